package org.dimba4j.train.data;

import org.dimba4j.kernels.Backend;

import java.nio.file.Path;

/** Opens {@code --data DATA}: a cache made by {@code dimba cache} if DATA holds cache.json, else an image folder. */
public final class TrainingDataSets {
    private TrainingDataSets() {}

    /**
     * @param modelDir the model folder: its encoders encode an image folder; a cache must match its image size,
     *                 model_max_length and caption channels
     */
    public static TrainingData open(Path data, Path modelDir, Backend backend, boolean skipBad) {
        if (CachedTrainingData.isCache(data)) {
            CachedTrainingData cache = CachedTrainingData.open(data);
            var cfg = org.dimba4j.model.dimba.DimbaConfig.load(modelDir.resolve("transformer/config.json"));
            int imageSize = cfg.inputSize() * org.dimba4j.model.vae.VaeConfig.load(modelDir.resolve("vae/config.json")).downsampleFactor();
            if (cache.imageSize() != imageSize || cache.modelMaxLength() != cfg.modelMaxLength()
                    || cache.captionChannels() != cfg.captionChannels()) {
                cache.close();
                throw new DatasetException("cache " + data + " was made at " + cache.imageSize() + " px, length "
                        + cache.modelMaxLength() + ", " + cache.captionChannels() + " caption channels; the model " + modelDir
                        + " wants " + imageSize + " px, length " + cfg.modelMaxLength() + ", " + cfg.captionChannels()
                        + " (run dimba cache again with this model)");
            }
            return cache;
        }
        ImageFolder folder = ImageFolder.open(data, skipBad);
        return new OnlineTrainingData(folder, ExampleEncoder.load(modelDir, backend));
    }
}
