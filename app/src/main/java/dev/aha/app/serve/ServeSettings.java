package dev.aha.app.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where {@code aha serve} listens and who may call it. Refused at start-up, in one line: a host beyond loopback
 * without a bearer token (anyone on the network could drive the policy), a port outside 0..65535, no room to wait.
 *
 * @param host the address to bind; loopback by default
 * @param port the port (0: any free one)
 * @param token the bearer token every request must carry, or null for none (loopback only)
 * @param maxWaiting requests waiting for the generator beyond the one it runs; past it a request gets 429
 * @param modelName the name /v1/models lists and responses carry
 */
public record ServeSettings(String host, int port, String token, int maxWaiting, String modelName) {

    public ServeSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be in 0..65535, was " + port);
        }
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("--max-waiting must be at least 1, was " + maxWaiting);
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (token == null && !loopback(host)) {
            throw new IllegalArgumentException("binding to " + host + " beyond loopback needs a bearer token "
                    + "(--token or AHA_SERVE_TOKEN)");
        }
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + " is not an address of this machine");
        }
    }
}
