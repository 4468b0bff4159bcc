import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A port on 127.0.0.1 where nothing listens: connections to it are refused at once, which is what
 * an offline machine looks like to a downloader.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
