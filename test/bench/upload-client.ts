// The client side of the upload benchmark, in a process of its own: streams a generated video of
// the given size to the upload URL in 4 MB blocks, as a browser or mobile SDK would.
import { Readable } from "node:stream";
import { BlockBlobClient } from "@azure/storage-blob";

const [url, sizeArg, contentType] = process.argv.slice(2);
const size = Number(sizeArg);
const CHUNK = 1024 * 1024;

function* video(): Generator<Buffer> {
  const header = Buffer.alloc(CHUNK);
  header.writeUInt32BE(0x20, 0);
  header.write("ftypisom", 4, "latin1");
  let sent = 0;
  while (sent < size) {
    const n = Math.min(CHUNK, size - sent);
    yield sent === 0 ? header.subarray(0, n) : Buffer.alloc(n, sent & 0xff);
    sent += n;
  }
}

await new BlockBlobClient(url!).uploadStream(Readable.from(video()), 4 * CHUNK, 4, { blobHTTPHeaders: { blobContentType: contentType! } });
