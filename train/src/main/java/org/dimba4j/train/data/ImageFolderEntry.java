package org.dimba4j.train.data;

import java.nio.file.Path;

/**
 * One (image, caption) pair of an image folder.
 *
 * @param fileName the image's path relative to the folder, as metadata.jsonl names it (the example's id)
 * @param image    the image file
 * @param caption  the caption, never blank
 * @param origin   where the pair was declared ("metadata.jsonl line 3" or "a.txt"), for error messages
 */
public record ImageFolderEntry(String fileName, Path image, String caption, String origin) {}
