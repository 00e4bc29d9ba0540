/**
 * A flatbuffers builder for samples.arrow's messages (`_arrow-ipc.ts`): the part of the
 * `flatbuffers` package's Builder (the one apache-arrow writes with) those messages use.
 */
/**
 * The part of the `flatbuffers` package's Builder these messages use, step for step (it
 * decides the padding and the vtable sharing, so the bytes follow from doing the same).
 * Built from the end of the buffer towards its start; offsets count from the end.
 */
export class FlatBuilder {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  private space = 1024;
  private minAlign = 1;
  private vtable: number[] = [];
  private vtableInUse = 0;
  private objectStart = 0;
  private readonly vtables: number[] = [];
  private vectorElements = 0;

  offset(): number {
    return this.buffer.byteLength - this.space;
  }

  prep(size: number, additional: number): void {
    if (size > this.minAlign) this.minAlign = size;
    const alignSize = (~(this.offset() + additional) + 1) & (size - 1);
    while (this.space < alignSize + size + additional) {
      const old = this.buffer;
      this.buffer = new Uint8Array(old.byteLength * 2);
      this.buffer.set(old, old.byteLength);
      this.view = new DataView(this.buffer.buffer);
      this.space += old.byteLength;
    }
    this.pad(alignSize);
  }

  pad(bytes: number): void {
    for (let i = 0; i < bytes; i++) this.buffer[--this.space] = 0;
  }

  writeInt32(value: number): void {
    this.view.setInt32((this.space -= 4), value, true);
  }

  writeInt64(value: number): void {
    this.space -= 8;
    this.view.setUint32(this.space, value % 2 ** 32, true);
    this.view.setUint32(this.space + 4, Math.floor(value / 2 ** 32), true);
  }

  addOffset(offset: number): void {
    this.prep(4, 0);
    this.writeInt32(this.offset() - offset + 4);
  }

  addFieldInt8(slot: number, value: number): void {
    if (value === 0) return;
    this.prep(1, 0);
    this.view.setInt8((this.space -= 1), value);
    this.slot(slot);
  }

  addFieldInt16(slot: number, value: number): void {
    if (value === 0) return;
    this.addInt16(value);
    this.slot(slot);
  }

  addFieldInt32(slot: number, value: number): void {
    if (value === 0) return;
    this.prep(4, 0);
    this.writeInt32(value);
    this.slot(slot);
  }

  addFieldInt64(slot: number, value: number): void {
    if (value === 0) return;
    this.prep(8, 0);
    this.writeInt64(value);
    this.slot(slot);
  }

  addFieldOffset(slot: number, offset: number): void {
    if (offset === 0) return;
    this.addOffset(offset);
    this.slot(slot);
  }

  startObject(fields: number): void {
    this.vtableInUse = fields;
    for (let i = 0; i < fields; i++) this.vtable[i] = 0;
    this.objectStart = this.offset();
  }

  endObject(): number {
    this.prep(4, 0);
    this.writeInt32(0);
    const vtableLoc = this.offset();
    let i = this.vtableInUse - 1;
    while (i >= 0 && this.vtable[i] === 0) i--;
    const trimmed = i + 1;
    for (; i >= 0; i--) this.addInt16(this.vtable[i] !== 0 ? vtableLoc - this.vtable[i]! : 0);
    this.addInt16(vtableLoc - this.objectStart);
    const length = (trimmed + 2) * 2;
    this.addInt16(length);
    // A vtable written before with the same bytes is shared instead.
    let existing = 0;
    const vt1 = this.space;
    outer: for (const candidate of this.vtables) {
      const vt2 = this.buffer.byteLength - candidate;
      if (length !== this.view.getInt16(vt2, true)) continue;
      for (let j = 2; j < length; j += 2) {
        if (this.view.getInt16(vt1 + j, true) !== this.view.getInt16(vt2 + j, true)) {
          continue outer;
        }
      }
      existing = candidate;
      break;
    }
    if (existing !== 0) {
      this.space = this.buffer.byteLength - vtableLoc;
      this.view.setInt32(this.space, existing - vtableLoc, true);
    } else {
      this.vtables.push(this.offset());
      this.view.setInt32(this.buffer.byteLength - vtableLoc, this.offset() - vtableLoc, true);
    }
    return vtableLoc;
  }

  startVector(elementSize: number, elements: number, alignment: number): void {
    this.vectorElements = elements;
    this.prep(4, elementSize * elements);
    this.prep(alignment, elementSize * elements);
  }

  endVector(): number {
    this.writeInt32(this.vectorElements);
    return this.offset();
  }

  createString(text: string): number {
    const utf8 = new TextEncoder().encode(text);
    this.prep(1, 0);
    this.buffer[--this.space] = 0;
    this.startVector(1, utf8.byteLength, 1);
    this.space -= utf8.byteLength;
    this.buffer.set(utf8, this.space);
    return this.endVector();
  }

  finish(root: number): void {
    this.prep(this.minAlign, 4);
    this.addOffset(root);
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(this.space);
  }

  private addInt16(value: number): void {
    this.prep(2, 0);
    this.view.setInt16((this.space -= 2), value, true);
  }

  private slot(slot: number): void {
    this.vtable[slot] = this.offset();
  }
}
