package org.edgefleet.server.coap;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.BlockOption;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.server.registry.ModelVersion;
import org.edgefleet.server.registry.RegistryService;
import org.edgefleet.server.transfer.ChunkSource;

/**
 * {@code b/{digest}}: a stored bundle, served by Block2 (RFC 7959) with random access: a GET may
 * ask for any block number, so a device resumes from whatever block it lacks, after a loss, a
 * reboot or days. Each block is read from the blob on its own (nothing of a transfer is kept per
 * device), from a chunk checked against the signed chunk hash before its first block is served
 * ({@link ChunkSource}). A device checks every chunk it assembles against the same hashes, which
 * it has from its signed desired state. Blocks are at most 1024 bytes (SZX 6); a GET without a
 * Block2 option gets block 0 of 1024 bytes.
 */
final class BundleResource extends CoapResource {

  static final int MAX_SZX = BlockOption.size2Szx(1024);

  private final RegistryService registry;
  private final ChunkSource blocks;
  private final CoapRefusals refusals;
  private final ExecutorService io;
  private final Blocks digestNode = new Blocks();

  BundleResource(RegistryService registry, ChunkSource blocks, CoapRefusals refusals, ExecutorService io) {
    super(CoapPaths.BUNDLES);
    this.registry = registry;
    this.blocks = blocks;
    this.refusals = refusals;
    this.io = io;
  }

  // Every digest resolves to the one node that serves them all; it reads the digest from the path.
  @Override
  public Resource getChild(String name) {
    return Hex.isSha256(name) ? digestNode : null;
  }

  private final class Blocks extends CoapResource {
    Blocks() {
      super("bundle");
      setParent(BundleResource.this);
    }

    @Override
    public void handleGET(CoapExchange exchange) {
      List<String> path = exchange.getRequestOptions().getUriPath();
      String digest = path.size() == 2 ? path.get(1) : "";
      Optional<ModelVersion> v = registry.byDigest(digest);
      if (v.isEmpty()) {
        refusals.refuse(exchange, CoapRefusal.UNKNOWN_BUNDLE, ResponseCode.NOT_FOUND, "no bundle " + digest);
        return;
      }
      BundleRef bundle = v.get().bundle();
      BlockOption asked = exchange.getRequestOptions().getBlock2();
      int szx = asked == null ? MAX_SZX : Math.min(asked.getSzx(), MAX_SZX);
      int num = asked == null ? 0 : asked.getNum();
      int size = BlockOption.szx2Size(szx);
      long offset = (long) num * size;
      if (asked != null && asked.getSzx() > MAX_SZX && asked.getNum() > 0) {
        // A larger block number means a position at that larger size: shrinking the size would move it.
        refusals.refuse(exchange, CoapRefusal.BAD_BLOCK, ResponseCode.BAD_REQUEST, "blocks beyond block 0 are at most 1024 bytes");
        return;
      }
      if (offset >= bundle.size()) {
        refusals.refuse(exchange, CoapRefusal.BAD_BLOCK, ResponseCode.BAD_REQUEST,
            "block " + num + " of " + size + " bytes is beyond the bundle's " + bundle.size() + " bytes");
        return;
      }
      int length = (int) Math.min(size, bundle.size() - offset);
      try {
        io.execute(() -> serve(exchange, bundle, offset, length, szx, num));
      } catch (RejectedExecutionException shuttingDown) {
        exchange.respond(ResponseCode.SERVICE_UNAVAILABLE);
      }
    }

    private void serve(CoapExchange exchange, BundleRef bundle, long offset, int length, int szx, int num) {
      byte[] data;
      try {
        data = blocks.read(bundle, offset, length);
      } catch (IOException e) {
        exchange.respond(ResponseCode.INTERNAL_SERVER_ERROR, "bundle unreadable: " + e.getMessage());
        return;
      }
      Response r = new Response(ResponseCode.CONTENT);
      r.setPayload(data);
      r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
      r.getOptions().setBlock2(szx, offset + length < bundle.size(), num);
      r.getOptions().setSize2((int) Math.min(Integer.MAX_VALUE, bundle.size()));
      exchange.respond(r);
    }
  }
}
