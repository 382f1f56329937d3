package dev.runstream.bridge.http.internal;

/**
 * Where an SSE reader resumes, from {@code Last-Event-ID} or {@code ?from=}. Mastra-format ids are chunk sequence
 * numbers; UI-format ids are {@code <sequence>:<n>} (the n-th UI chunk made from that chunk), with a {@code :p}
 * suffix when the stream leaves transient chunks out, so that a resumed UI stream is converted exactly as before.
 *
 * @param sequence     the first chunk to read
 * @param afterUiIndex UI chunks of {@code sequence} up to this index were already received (-1: none)
 * @param persistedOnly whether the stream being resumed left transient chunks out; null when not known
 */
record SsePosition(long sequence, int afterUiIndex, Boolean persistedOnly) {

    static final SsePosition START = new SsePosition(0, -1, null);

    /** The position after the event with this id. */
    static SsePosition afterEventId(String id, boolean ui) {
        String[] parts = id.trim().split(":");
        try {
            long sequence = Long.parseLong(parts[0]);
            if (sequence < 0 || !ui && parts.length != 1 || ui && (parts.length < 2 || parts.length > 3)) {
                throw new NumberFormatException();
            }
            if (!ui) {
                return new SsePosition(sequence + 1, -1, null);
            }
            int index = Integer.parseInt(parts[1]);
            if (index < 0 || parts.length == 3 && !parts[2].equals("p")) {
                throw new NumberFormatException();
            }
            return new SsePosition(sequence, index, parts.length == 3);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "Last-Event-ID '" + id + "' is not an event id of this "
                    + "stream (" + (ui ? "<sequence>:<n>[:p]" : "a chunk sequence number") + ")");
        }
    }

    /** The position {@code ?from=<sequence>} names: that chunk is the first sent. */
    static SsePosition from(String value) {
        try {
            long sequence = Long.parseLong(value.trim());
            if (sequence < 0) {
                throw new NumberFormatException();
            }
            return new SsePosition(sequence, -1, null);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "bad_request", "from must be a chunk sequence number >= 0, was '" + value
                    + "'");
        }
    }

    static String uiEventId(long sequence, int index, boolean persistedOnly) {
        return sequence + ":" + index + (persistedOnly ? ":p" : "");
    }

    /** Whether the UI chunk {@code index} of chunk {@code sequence} comes after this position. */
    boolean isAfter(long chunkSequence, int index) {
        return chunkSequence > sequence || chunkSequence == sequence && index > afterUiIndex;
    }
}
