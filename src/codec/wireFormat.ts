import { userError } from "../errors/witnessError.ts";

/** Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro body. */
export const magicByte = 0;
export const wireHeaderBytes = 5;

export type WireFrame = { schemaId: number; body: Buffer };

export const frameWire = (schemaId: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(wireHeaderBytes);
  header.writeUInt8(magicByte, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

/** Splits a message value into schema id and body; a value that is not in the wire format is the producer's fault. */
export const parseWire = (value: Buffer | null): WireFrame => {
  if (value === null || value.length === 0) {
    throw userError("wire.empty", "The message has no value; produce Avro in the Confluent wire format (magic byte 0 + schema id).");
  }
  if (value.length < wireHeaderBytes || value.readUInt8(0) !== magicByte) {
    throw userError(
      "wire.magic",
      `The message does not start with magic byte 0 (first byte ${value.readUInt8(0)}); encode it with a schema-registry serializer.`,
    );
  }
  return { schemaId: value.readUInt32BE(1), body: value.subarray(wireHeaderBytes) };
};
