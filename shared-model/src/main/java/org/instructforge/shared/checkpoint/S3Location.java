package org.instructforge.shared.checkpoint;

/**
 * A checkpoint folder in an object store, registered as {@code s3://BUCKET/PREFIX/KEY/}: its files are the objects
 * whose keys start with {@code folder}, named as in the folder's {@code SHA256SUMS}.
 *
 * @param bucket the bucket
 * @param folder the key prefix of the folder's objects, ending in {@code /}
 */
public record S3Location(String bucket, String folder) {

    private static final String SCHEME = "s3://";

    public S3Location {
        if (bucket.isBlank() || folder.isBlank() || !folder.endsWith("/") || folder.startsWith("/")) {
            throw new IllegalArgumentException(
                    "Not an object-store checkpoint folder: " + SCHEME + bucket + "/" + folder);
        }
    }

    public static boolean isObjectStore(String location) {
        return location.startsWith(SCHEME);
    }

    public static S3Location parse(String location) {
        if (!isObjectStore(location)) {
            throw new IllegalArgumentException(location + " is not an s3:// location");
        }
        String rest = location.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        if (slash < 1) {
            throw new IllegalArgumentException(location + " names no folder in its bucket");
        }
        String folder = rest.substring(slash + 1);
        return new S3Location(rest.substring(0, slash), folder.endsWith("/") ? folder : folder + "/");
    }

    /** The object key of a file of the folder ({@code name} as written in {@code SHA256SUMS}). */
    public String key(String name) {
        return folder + name;
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + folder;
    }
}
