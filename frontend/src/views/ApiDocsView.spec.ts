import { describe, expect, it } from 'vitest'
import { apiError, fakeApi } from '../testing/fakeApi'
import { mountApp, resetPageTests, settle, until } from '../testing/mountApp'
import type { OpenAPIDoc } from '../apiDoc'

resetPageTests()

const doc: OpenAPIDoc = {
  openapi: '3.1.0',
  info: { title: 'Minh Bạch API', version: '1' },
  tags: [
    { name: 'public', description: 'Anyone' },
    { name: 'admin', description: 'Administration' },
  ],
  paths: {
    '/api/v1/meta': {
      get: {
        operationId: 'getMeta',
        tags: ['public'],
        summary: 'Kinds, categories, areas',
        'x-roles': ['anyone'],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/MetaResponse' } } } } },
      },
    },
    '/api/v1/admin/users/{id}': {
      patch: {
        operationId: 'patchAdminUsersId',
        tags: ['admin'],
        summary: 'Change an account',
        'x-roles': ['admin'],
        security: [{ staffBearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/UpdateUserRequest' } } } },
        responses: {
          '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } },
          '403': { description: 'Forbidden', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
        },
      },
    },
  },
  components: {
    schemas: {
      MetaResponse: { type: 'object', properties: { kinds: { type: 'array', items: { type: 'string' } } }, required: ['kinds'] },
      UpdateUserRequest: { type: 'object', properties: { name: { type: 'string' } } },
      User: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      ErrorBody: { type: 'object' },
    },
  },
}

describe('API reference page', () => {
  it('is linked from the footer and shows every operation with who may call it, and every schema', async () => {
    const api = fakeApi()
    api.json('GET', '/api/openapi.json', 200, doc)
    const { w, router } = await mountApp('/', 'vi')
    await w.get('[data-testid="api-docs-link"]').trigger('click')
    await until(() => w.find('[data-testid="api-op"]').exists())
    await settle()
    expect(router.currentRoute.value.path).toBe('/api-docs')
    expect(w.get('h1').text()).toBe('Tài liệu API')
    expect(document.title).toBe('Tài liệu API · Minh Bạch')

    const ops = w.findAll('[data-testid="api-op"]')
    expect(ops).toHaveLength(2)
    expect(ops[0]!.text()).toContain('GET')
    expect(ops[0]!.text()).toContain('/api/v1/meta')
    expect(ops[0]!.text()).toContain('mọi người')
    expect(ops[1]!.text()).toContain('PATCH')
    expect(ops[1]!.text()).toContain('quản trị viên')
    expect(ops[1]!.text()).toContain('mã truy cập của cán bộ')
    expect(ops[1]!.get('a[href="#schema-UpdateUserRequest"]').text()).toBe('UpdateUserRequest')
    expect(w.findAll('[data-testid="api-schema"]').map((s) => s.attributes('id'))).toEqual([
      'schema-ErrorBody',
      'schema-MetaResponse',
      'schema-UpdateUserRequest',
      'schema-User',
    ])
    expect(w.get('#schema-MetaResponse').text()).toContain('kinds (bắt buộc)')
    expect(w.get('[data-testid="api-docs-download"]').attributes('href')).toBe('/api/openapi.json')
    // CSP: nothing the page renders carries an inline style.
    expect(w.html()).not.toContain('style=')
  })

  it('speaks English', async () => {
    const api = fakeApi()
    api.json('GET', '/api/openapi.json', 200, doc)
    const { w } = await mountApp('/api-docs', 'en')
    await until(() => w.find('[data-testid="api-op"]').exists())
    expect(w.get('h1').text()).toBe('API reference')
    expect(w.text()).toContain('Who may call it')
    expect(w.text()).toContain('administrator')
    expect(w.text()).toContain('Data structures')
  })

  it('says so when the document cannot be read', async () => {
    const api = fakeApi()
    api.on('GET', '/api/openapi.json', () => apiError(503, 'unavailable'))
    const { w } = await mountApp('/api-docs', 'vi')
    await until(() => w.find('[role="alert"]').exists())
    expect(w.get('[role="alert"]').text()).not.toBe('')
    expect(w.find('[data-testid="api-op"]').exists()).toBe(false)
  })
})
