package org.dimba4j.serve;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

import java.io.IOException;

/**
 * Whether the client of a blocking request is still connected. An HTTP/1.1 server reads nothing while it computes a
 * response, so a client that hangs up goes unnoticed until the server writes; this looks at the socket instead:
 * a non-blocking read returning end-of-stream means the peer closed. A client waiting for its response sends
 * nothing (HTTP/1.1 clients do not pipeline), so the read never takes a byte of a next request.
 */
final class ClientWatch {
    private final EndPoint endPoint;

    ClientWatch(Context ctx) {
        ServletContextRequest r = ServletContextRequest.getServletContextRequest(ctx.req());
        this.endPoint = r == null ? null : r.getConnectionMetaData().getConnection().getEndPoint();
    }

    /** True once the client has closed its connection (false when this cannot be told). */
    boolean gone() {
        if (endPoint == null) return false;
        if (!endPoint.isOpen() || endPoint.isInputShutdown()) return true;
        try {
            return endPoint.fill(BufferUtil.allocate(1)) < 0 || endPoint.isInputShutdown();
        } catch (IOException e) {
            return true;
        }
    }
}
