package org.instructforge.web.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Records who did what. Every feature that changes state on someone's behalf writes here. */
@Service
public class AuditTrail {

    private final AuditEntryRepository entries;
    private final JsonMapper json;

    AuditTrail(AuditEntryRepository entries, JsonMapper json) {
        this.entries = entries;
        this.json = json;
    }

    /**
     * Appends one line, inside the caller's transaction so the log and the change commit together.
     *
     * @param actor the acting username, or null for the system itself
     * @param keyValues details as alternating keys and values
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public void record(String actor, String action, String targetType, Object targetId, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("Audit details come as key/value pairs");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            details.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        entries.save(new AuditEntry(
                actor,
                action,
                targetType,
                targetId == null ? null : String.valueOf(targetId),
                json.writeValueAsString(details)));
    }

    @Transactional(readOnly = true)
    public List<AuditRecord> latest(int count) {
        return entries.findByOrderByIdDesc(Limit.of(count)).stream()
                .map(AuditEntry::toRecord)
                .toList();
    }
}
