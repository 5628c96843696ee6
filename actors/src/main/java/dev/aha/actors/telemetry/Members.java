package dev.aha.actors.telemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;

/** The cluster's members as this node sees them: what the dashboard lists. */
public final class Members {

    /**
     * @param address the member's Artery address, host:port
     * @param status Pekko's member status in lower case (up, joining, leaving, ...), or "unreachable"
     */
    public record View(String address, List<String> roles, String status) {}

    private Members() {}

    static List<View> of(ClusterEvent.CurrentClusterState state) {
        List<View> views = new ArrayList<>();
        for (Member m : state.getMembers()) {
            String status = state.getUnreachable().contains(m) ? "unreachable"
                    : m.status().toString().toLowerCase(java.util.Locale.ROOT);
            String address = m.address().getHost().orElse("?") + ":" + m.address().getPort().orElse(0);
            List<String> roles = new ArrayList<>(new TreeSet<>(m.getRoles()));
            roles.removeIf(r -> r.startsWith("dc-")); // Pekko's data-centre role, not ours
            views.add(new View(address, roles, status));
        }
        return views;
    }
}
