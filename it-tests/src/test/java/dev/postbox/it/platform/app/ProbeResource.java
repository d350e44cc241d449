package dev.postbox.it.platform.app;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Runs one transaction and answers the trace, one line per event, ending with {@code result:...}. */
@Path("tx")
public class ProbeResource {

    @Inject
    TxProbeService service;

    @POST
    @Path("{id}")
    @Produces(MediaType.TEXT_PLAIN)
    public String update(@PathParam("id") long id, @QueryParam("balance") long balance,
            @QueryParam("mode") String mode) {
        Trace.start();
        String result;
        try {
            service.update(id, balance, mode == null ? "" : mode);
            result = "result:committed";
        } catch (RuntimeException e) {
            result = "result:failed " + causes(e);
        }
        var lines = new java.util.ArrayList<>(Trace.stop());
        lines.add(result);
        return String.join("\n", lines);
    }

    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return s.toString().replace('\n', ' ');
    }
}
