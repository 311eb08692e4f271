package dev.rehearsal.data;

/** The two splits every IDX dataset here ships, and the file names they use (raw, or with {@code .gz}). */
public enum Split {
    TRAIN("train", "train"),
    TEST("test", "t10k");

    private final String id;
    private final String filePrefix;

    Split(String id, String filePrefix) {
        this.id = id;
        this.filePrefix = filePrefix;
    }

    /** "train" or "test". */
    public String id() {
        return id;
    }

    /** e.g. {@code train-images-idx3-ubyte}. */
    public String imagesFile() {
        return filePrefix + "-images-idx3-ubyte";
    }

    /** e.g. {@code t10k-labels-idx1-ubyte}. */
    public String labelsFile() {
        return filePrefix + "-labels-idx1-ubyte";
    }
}
