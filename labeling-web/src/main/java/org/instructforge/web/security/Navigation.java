package org.instructforge.web.security;

import java.util.ArrayList;
import java.util.List;

/**
 * The navigation bar: one group of links per role the user holds, in the order labeler, reviewer, admin, engineer,
 * with the link of the page being shown marked current ({@code aria-current="page"}). A link is current when the
 * path is its own or lies under one of the paths it covers (a dataset's pages are under Datasets).
 */
public final class Navigation {

    /** One link; {@code current} marks the page being shown. */
    public record Link(String label, String href, boolean current) {}

    /** A link and the path prefixes whose pages belong to it. */
    private record Entry(String label, String href, List<String> covers) {
        Link at(String path) {
            boolean current = path.equals(href)
                    || covers.stream().anyMatch(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"));
            return new Link(label, href, current);
        }
    }

    private static final List<Entry> LABELER = List.of(
            new Entry(
                    "Tasks",
                    "/labeler",
                    List.of(
                            "/labeler/demonstrations",
                            "/labeler/rankings",
                            "/labeler/comparisons",
                            "/labeler/next",
                            "/labeler/reviews")),
            new Entry("My tasks", "/labeler/tasks", List.of("/labeler/tasks")),
            new Entry("History", "/labeler/history", List.of("/labeler/history")));
    private static final List<Entry> REVIEWER = List.of(new Entry("Review", "/review", List.of("/review")));
    private static final List<Entry> ADMIN = List.of(
            new Entry("Datasets", "/admin", List.of("/admin/datasets", "/admin/imports", "/admin/prompts")),
            new Entry("People", "/admin/people", List.of("/admin/people", "/admin/teams")),
            new Entry("PII review", "/admin/pii", List.of("/admin/pii")),
            new Entry("Quality", "/admin/quality", List.of("/admin/quality")),
            new Entry("Audit", "/admin/audit", List.of("/admin/audit")));
    private static final List<Entry> ENGINEER = List.of(
            new Entry("Runs", "/engineer", List.of("/engineer/runs")),
            new Entry("Checkpoints", "/engineer/checkpoints", List.of("/engineer/checkpoints")),
            new Entry("Rounds", "/engineer/rounds/demonstrations", List.of("/engineer/rounds")),
            new Entry("Evaluations", "/engineer/evaluations", List.of("/engineer/evaluations")));

    private Navigation() {}

    /** The links this user sees on the page at {@code path} (the request path, without the context path). */
    public static List<Link> linksFor(CurrentUser user, String path) {
        List<Link> links = new ArrayList<>();
        if (user.labeler()) LABELER.forEach(e -> links.add(e.at(path)));
        if (user.reviewer()) REVIEWER.forEach(e -> links.add(e.at(path)));
        if (user.admin()) ADMIN.forEach(e -> links.add(e.at(path)));
        if (user.engineer()) ENGINEER.forEach(e -> links.add(e.at(path)));
        return links;
    }
}
