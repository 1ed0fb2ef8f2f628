// The API reference page (views/ApiDocsView.vue) reads the portal's own
// OpenAPI 3.1 document (GET /api/openapi.json, built by handlers/openapi.go)
// and shows it through these pure functions: operations grouped by tag,
// parameters, bodies, answers, and each schema as a table of fields.

/** A JSON Schema as the document writes it (the subset the portal uses). */
export interface Schema {
  $ref?: string
  type?: string | string[]
  format?: string
  enum?: string[]
  items?: Schema
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: Schema | boolean
  anyOf?: Schema[]
  contentMediaType?: string
  description?: string
}

interface MediaType {
  schema?: Schema
}

interface RawOperation {
  operationId?: string
  tags?: string[]
  summary?: string
  description?: string
  'x-roles'?: string[]
  security?: Record<string, string[]>[]
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[]
  requestBody?: { content?: Record<string, MediaType> }
  responses?: Record<string, { description?: string; content?: Record<string, MediaType> }>
}

/** The parts of an OpenAPI document the page shows. */
export interface OpenAPIDoc {
  openapi: string
  info: { title: string; version: string; description?: string }
  tags?: { name: string; description?: string }[]
  paths: Record<string, Record<string, RawOperation>>
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, { description?: string }> }
}

export interface Param {
  name: string
  in: string
  required: boolean
  type: string
  description: string
}

export interface Body {
  media: string
  type: string
  /** The schema component the body is, when it is one (for a link). */
  ref?: string
}

export interface Answer {
  status: string
  description: string
  bodies: Body[]
}

export interface Operation {
  id: string
  method: string
  path: string
  summary: string
  description: string
  roles: string[]
  security: string[]
  params: Param[]
  requestBodies: Body[]
  answers: Answer[]
}

export interface TagGroup {
  name: string
  description: string
  operations: Operation[]
}

export interface Field {
  name: string
  type: string
  required: boolean
  refs: string[]
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

/** refName is the component a $ref names ("#/components/schemas/Case" → "Case"). */
export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1)
}

/** typeLabel writes a schema's type in a few words: "string", "Case[]", "integer | null", "map of Staff". */
export function typeLabel(s: Schema | undefined): string {
  if (!s) return 'any'
  if (s.$ref) return refName(s.$ref)
  if (s.anyOf) return s.anyOf.map(typeLabel).join(' | ')
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length === 0) return 'any'
  return types
    .map((t) => {
      if (t === 'array') return `${typeLabel(s.items)}[]`
      if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object')
        return `map<string, ${typeLabel(s.additionalProperties)}>`
      if (t === 'string' && s.format) return `string (${s.format})`
      if (t === 'string' && s.contentMediaType) return `${s.contentMediaType}`
      return t
    })
    .join(' | ')
}

/** refsOf lists the components a schema refers to, nested ones included. */
export function refsOf(s: Schema | undefined): string[] {
  if (!s) return []
  if (s.$ref) return [refName(s.$ref)]
  const out: string[] = []
  if (s.items) out.push(...refsOf(s.items))
  if (s.anyOf) for (const a of s.anyOf) out.push(...refsOf(a))
  if (s.additionalProperties && typeof s.additionalProperties === 'object') out.push(...refsOf(s.additionalProperties))
  return [...new Set(out)]
}

/** fieldsOf lists an object schema's properties, required ones first, then by name. */
export function fieldsOf(s: Schema): Field[] {
  const required = new Set(s.required ?? [])
  return Object.entries(s.properties ?? {})
    .map(([name, p]) => ({ name, type: typeLabel(p), required: required.has(name), refs: refsOf(p) }))
    .sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name))
}

function bodiesOf(content: Record<string, MediaType> | undefined): Body[] {
  return Object.entries(content ?? {}).map(([media, m]) => {
    const body: Body = { media, type: m.schema ? typeLabel(m.schema) : '' }
    const refs = refsOf(m.schema)
    if (refs.length === 1) body.ref = refs[0]
    return body
  })
}

/** groupOperations lists the document's operations by tag, in the document's tag order, each tag's operations by path. */
export function groupOperations(doc: OpenAPIDoc): TagGroup[] {
  const groups = new Map<string, TagGroup>()
  for (const t of doc.tags ?? []) groups.set(t.name, { name: t.name, description: t.description ?? '', operations: [] })
  const paths = Object.keys(doc.paths).sort()
  for (const path of paths) {
    const item = doc.paths[path]!
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const tag = op.tags?.[0] ?? 'other'
      if (!groups.has(tag)) groups.set(tag, { name: tag, description: '', operations: [] })
      groups.get(tag)!.operations.push({
        id: op.operationId ?? `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        description: op.description ?? '',
        roles: op['x-roles'] ?? [],
        security: (op.security ?? []).flatMap((s) => Object.keys(s)),
        params: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          required: !!p.required,
          type: typeLabel(p.schema),
          description: p.description ?? '',
        })),
        requestBodies: bodiesOf(op.requestBody?.content),
        answers: Object.entries(op.responses ?? {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, r]) => ({ status, description: r.description ?? '', bodies: bodiesOf(r.content) })),
      })
    }
  }
  return [...groups.values()].filter((g) => g.operations.length > 0)
}

/** schemaNames lists the document's schema components by name. */
export function schemaNames(doc: OpenAPIDoc): string[] {
  return Object.keys(doc.components?.schemas ?? {}).sort((a, b) => a.localeCompare(b))
}

/** schemaAnchor is the id of a schema's section on the page. */
export function schemaAnchor(name: string): string {
  return `schema-${name}`
}
