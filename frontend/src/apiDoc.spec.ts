import { describe, expect, it } from 'vitest'
import { fieldsOf, groupOperations, refsOf, schemaNames, typeLabel, type OpenAPIDoc } from './apiDoc'

// A small document of the shape handlers/openapi.go writes.
const doc: OpenAPIDoc = {
  openapi: '3.1.0',
  info: { title: 'Minh Bạch API', version: '1' },
  tags: [
    { name: 'public', description: 'Anyone' },
    { name: 'cases', description: 'Handling reports' },
  ],
  paths: {
    '/api/v1/cases/{id}': {
      get: {
        operationId: 'getCasesId',
        tags: ['cases'],
        summary: 'A report',
        'x-roles': ['inspector', 'lead', 'monitor'],
        security: [{ staffBearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '404': { description: 'Not Found', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
          '200': { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/Case' } } } },
        },
      },
    },
    '/api/v1/complaints': {
      post: {
        operationId: 'postComplaints',
        tags: ['public'],
        summary: 'File a report',
        'x-roles': ['anyone'],
        requestBody: {
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ComplaintRequest' } },
            'multipart/form-data': { schema: { type: 'object' } },
          },
        },
        responses: { '201': { description: 'Created' } },
      },
    },
  },
  components: {
    schemas: {
      Case: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          id: { type: 'string' },
          dueAt: { type: 'string', format: 'date-time' },
          people: { type: ['object', 'null'], additionalProperties: { $ref: '#/components/schemas/StaffName' } },
          clocks: { type: ['array', 'null'], items: { $ref: '#/components/schemas/Clock' } },
          kind: { type: 'string', enum: ['feedback', 'complaint'] },
        },
        required: ['title', 'id', 'people', 'clocks', 'kind'],
      },
      Clock: { type: 'object' },
      StaffName: { type: 'object' },
      ComplaintRequest: { type: 'object' },
      ErrorBody: { type: 'object' },
    },
  },
}

describe('typeLabel', () => {
  it('writes types in a few words', () => {
    expect(typeLabel({ type: 'string', format: 'date-time' })).toBe('string (date-time)')
    expect(typeLabel({ type: ['array', 'null'], items: { $ref: '#/components/schemas/Clock' } })).toBe('Clock[] | null')
    expect(typeLabel({ type: 'object', additionalProperties: { type: 'integer' } })).toBe('map<string, integer>')
    expect(typeLabel({ type: 'string', enum: ['a', 'b'] })).toBe('"a" | "b"')
    expect(typeLabel({ anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }] })).toBe('X | null')
    expect(typeLabel(undefined)).toBe('any')
  })
})

describe('refsOf', () => {
  it('finds nested references once', () => {
    expect(refsOf({ type: 'array', items: { anyOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/A' }] } })).toEqual(['A'])
  })
})

describe('fieldsOf', () => {
  it('lists required fields first, then by name, with their links', () => {
    const f = fieldsOf(doc.components!.schemas!.Case!)
    expect(f.map((x) => x.name)).toEqual(['clocks', 'id', 'kind', 'people', 'title', 'dueAt'])
    expect(f[0]).toEqual({ name: 'clocks', type: 'Clock[] | null', required: true, refs: ['Clock'] })
    expect(f.at(-1)!.required).toBe(false)
    expect(f.find((x) => x.name === 'people')!.refs).toEqual(['StaffName'])
  })
})

describe('groupOperations', () => {
  it('groups by tag in the document order, with roles, auth, parameters, bodies and answers', () => {
    const groups = groupOperations(doc)
    expect(groups.map((g) => g.name)).toEqual(['public', 'cases'])
    const get = groups[1]!.operations[0]!
    expect(get).toMatchObject({ method: 'GET', path: '/api/v1/cases/{id}', roles: ['inspector', 'lead', 'monitor'], security: ['staffBearer'] })
    expect(get.params).toEqual([{ name: 'id', in: 'path', required: true, type: 'string', description: '' }])
    expect(get.answers.map((a) => a.status)).toEqual(['200', '404'])
    expect(get.answers[0]!.bodies).toEqual([{ media: 'application/json', type: 'Case', ref: 'Case' }])
    const post = groups[0]!.operations[0]!
    expect(post.requestBodies.map((b) => b.media)).toEqual(['application/json', 'multipart/form-data'])
    expect(post.requestBodies[0]!.ref).toBe('ComplaintRequest')
    expect(post.requestBodies[1]!.ref).toBeUndefined()
  })

  it('lists the schemas by name', () => {
    expect(schemaNames(doc)).toEqual(['Case', 'Clock', 'ComplaintRequest', 'ErrorBody', 'StaffName'])
  })
})
