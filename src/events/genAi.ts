import { z } from "zod";

/**
 * OpenTelemetry GenAI semantic-convention attributes, nested so that the path of
 * every field is its attribute name: `gen_ai.request.model`, `gen_ai.usage.input_tokens`,
 * `gen_ai.tool.name`, `gen_ai.tool.call.id` … Avro names cannot contain dots, so the
 * nesting carries them; the data joins what agent tracing already emits.
 */
const named = (max: number) => z.strictObject({ name: z.string().min(1).max(max) }).nullable().default(null);
const modelRef = z.strictObject({ model: z.string().min(1).max(200) }).nullable().default(null);
const tokens = z.number().int().min(0).nullable().default(null);

export const genAiSchema = z.strictObject({
  operation: named(100),
  provider: named(100),
  request: modelRef,
  response: modelRef,
  usage: z.strictObject({ input_tokens: tokens, output_tokens: tokens }).nullable().default(null),
  tool: z
    .strictObject({
      name: z.string().min(1).max(200),
      call: z.strictObject({ id: z.string().min(1).max(200) }).nullable().default(null),
    })
    .nullable()
    .default(null),
});
export type GenAi = z.infer<typeof genAiSchema>;
