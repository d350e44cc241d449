package dev.postbox.console.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a {@link ConsoleServlet} behind the JDK's HTTP server on 127.0.0.1, as a container would at
 * {@code /postbox}: the request and response are thin stand-ins for the few servlet methods the console calls. The
 * signed-in user is set by the test ({@link #signIn}); the container's own constraint is not there, so the answers
 * are the servlet's own checks.
 */
final class ServletHarness implements AutoCloseable {

    private final ConsoleServlet servlet;
    private final HttpServer server;
    private final Map<String, Object> session = new ConcurrentHashMap<>();
    private volatile String user;
    private volatile Set<String> roles = Set.of();

    ServletHarness(ConsoleServlet servlet) throws IOException {
        this.servlet = servlet;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/postbox", this::handle);
        server.start();
    }

    /** Who the following requests come from: null for anonymous. */
    ServletHarness signIn(String name, Set<String> roleNames) {
        this.user = name;
        this.roles = roleNames;
        return this;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response = new Response();
        try {
            servlet.service(request(exchange), response.proxy());
        } catch (Exception e) {
            response.status = 500;
            response.body.write(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
        }
        response.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] body = response.body.toByteArray();
        exchange.sendResponseHeaders(response.status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private HttpServletRequest request(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath().substring("/postbox".length());
        Map<String, String[]> parameters = parameters(exchange.getRequestURI().getRawQuery());
        String name = user;
        Set<String> userRoles = roles;
        Principal principal = name == null ? null : () -> name;
        HttpSession httpSession = (HttpSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getAttribute" -> session.get((String) args[0]);
                    case "setAttribute" -> session.put((String) args[0], args[1]);
                    default -> null;
                });
        return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getUserPrincipal" -> principal;
                    case "isUserInRole" -> principal != null && userRoles.contains((String) args[0]);
                    case "authenticate" -> false;
                    case "getSession" -> args == null || (Boolean) args[0] || !session.isEmpty() ? httpSession : null;
                    case "getMethod" -> exchange.getRequestMethod();
                    case "getScheme" -> "http";
                    case "getHeader" -> exchange.getRequestHeaders().getFirst((String) args[0]);
                    case "getPathInfo" -> path.isEmpty() ? null : path;
                    case "getContextPath" -> "";
                    case "getParameterMap" -> parameters;
                    default -> throw new UnsupportedOperationException("harness: " + method.getName());
                });
    }

    private static Map<String, String[]> parameters(String query) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        Map<String, String[]> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, v.toArray(String[]::new)));
        return Collections.unmodifiableMap(out);
    }

    /** What the servlet answered, sent once it returns. */
    private static final class Response {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean committed;

        HttpServletResponse proxy() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                }

                @Override
                public void write(int b) {
                    committed = true;
                    body.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    committed = true;
                    body.write(b, off, len);
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                            case "sendRedirect" -> {
                                status = 302;
                                headers.put("Location", (String) args[0]);
                                committed = true;
                            }
                            case "getOutputStream" -> {
                                return out;
                            }
                            case "isCommitted" -> {
                                return committed;
                            }
                            default -> throw new UnsupportedOperationException("harness: " + method.getName());
                        }
                        return null;
                    });
        }
    }
}
