package org.dimba4j.train.data;

/**
 * An image folder encoded on the fly: each {@link #get} decodes the image, applies the official transform at the
 * model's size and runs the VAE encoder and T5 (see {@link ExampleEncoder}). Owns the encoder.
 */
public final class OnlineTrainingData implements TrainingData {
    private final ImageFolder folder;
    private final ExampleEncoder encoder;

    public OnlineTrainingData(ImageFolder folder, ExampleEncoder encoder) {
        this.folder = folder;
        this.encoder = encoder;
    }

    @Override
    public int size() {
        return folder.size();
    }

    @Override
    public TrainingExample get(int index) {
        ImageFolderEntry e = folder.entry(index);
        return encoder.encode(e.fileName(), folder.pixels(index, encoder.imageSize()), e.caption());
    }

    public ImageFolder folder() {
        return folder;
    }

    public ExampleEncoder encoder() {
        return encoder;
    }

    @Override
    public String description() {
        return "image folder " + folder.root() + " (" + size() + " examples" + (folder.skipped() > 0 ? ", " + folder.skipped()
                + " bad skipped" : "") + ", encoded online at " + encoder.imageSize() + " px)";
    }

    @Override
    public void close() {
        encoder.close();
    }
}
