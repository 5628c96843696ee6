package dev.aha.actors.cluster;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What a cluster node hosts: its Pekko cluster roles. The seed holds the learner and the dispatcher. */
public enum NodeRole {
    LEARNER,
    DISPATCHER,
    ROLLOUT,
    REWARD;

    /** The name in pekko.cluster.roles and on the command line. */
    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "rollout,reward"; an unknown name is an error naming the valid ones. */
    public static Set<NodeRole> parse(String csv) {
        Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
        for (String part : csv.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            roles.add(Arrays.stream(values()).filter(r -> r.roleName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown role '" + name + "': expected "
                            + Arrays.stream(values()).map(NodeRole::roleName).collect(Collectors.joining(", ")))));
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("at least one role is needed");
        }
        return roles;
    }

    public static Set<NodeRole> all() {
        return EnumSet.allOf(NodeRole.class);
    }
}
