package org.dimba4j.train.data.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A laid-out scene: the spec with every group's size fixed, the objects' places, and the background colour.
 *
 * @param spec       what the caption says (sizes that the caption leaves out are still null here)
 * @param objects    the objects, group by group
 * @param background the light background, {r, g, b}
 */
public record Scene(SceneSpec spec, List<PlacedObject> objects, int[] background) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Scene {
        objects = List.copyOf(objects);
        background = background.clone();
    }

    /** The ground truth as a JSON object: spec, background and each object (relative coordinates). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.set("spec", spec.toJson());
        ArrayNode bg = o.putArray("background");
        for (int v : background) bg.add(v);
        ArrayNode arr = o.putArray("objects");
        for (PlacedObject p : objects) {
            ObjectNode n = arr.addObject();
            n.put("group", p.group());
            n.put("shape", p.shape().word());
            n.put("colour", p.colour().word());
            n.put("size", p.size().word());
            n.put("cx", Math.round(p.cx() * 1e4) / 1e4);
            n.put("cy", Math.round(p.cy() * 1e4) / 1e4);
            n.put("extent", Math.round(p.extent() * 1e4) / 1e4);
        }
        return o;
    }
}
