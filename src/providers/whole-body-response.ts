/**
 * A fetch `Response` whose body Node's own stream reads whole into memory, handed out from there.
 *
 * An answer the SDKs parse as JSON is always read whole: through a web stream made from Node's
 * stream (`Readable.toWeb`) that read cost more CPU than the JSON parse it fed (the stream adapter,
 * a transferable per chunk, undici's reader). This is still a `Response` (`instanceof`, `headers`,
 * `status`, `ok`), and it behaves as one: the body can be read once, by `text()`, `json()`,
 * `arrayBuffer()`, `bytes()`, `blob()` or through `body`; a broken connection or an abort fails the
 * read, not the fetch, as with fetch's own responses.
 */
export class WholeBodyResponse extends Response {
  readonly #bytes: Promise<Buffer>;
  #used = false;
  #stream: ReadableStream<Uint8Array> | undefined;

  /** `bytes` settles with the whole (decoded) body, or fails as reading it failed. */
  constructor(bytes: Promise<Buffer>, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    // A body nobody reads (a retried error, say) must not become an unhandled rejection.
    bytes.catch(() => undefined);
  }

  static {
    // Response declares these as properties; a subclass can only replace them on its prototype.
    Object.defineProperties(WholeBodyResponse.prototype, {
      body: {
        get(this: WholeBodyResponse): ReadableStream<Uint8Array> {
          // The same stream every time: the Anthropic SDK ties the request's clean-up to its life.
          // A high-water mark of 0: nothing is taken until somebody reads.
          this.#stream ??= new ReadableStream<Uint8Array>(
            {
              pull: async (controller) => {
                try {
                  const bytes = await this.#take();
                  if (bytes.length > 0) controller.enqueue(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
                  controller.close();
                } catch (error) {
                  controller.error(error);
                }
              },
            },
            { highWaterMark: 0 },
          );
          return this.#stream;
        },
      },
      bodyUsed: {
        get(this: WholeBodyResponse): boolean {
          return this.#used;
        },
      },
    });
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get("content-type") ?? "" });
  }

  override async text(): Promise<string> {
    const bytes = await this.#take();
    // UTF-8 decoding as fetch does it: a leading byte-order mark is dropped.
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return bytes.toString("utf8", start);
  }

  override async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  override async formData(): Promise<FormData> {
    throw new TypeError("Response.formData: a JSON answer is not form data");
  }

  override clone(): Response {
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new WholeBodyResponse(this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }

  async #take(): Promise<Buffer> {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }
}
