package org.dimba4j.train.data.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of a caption, as data: one group ("three red circles"), or two groups and how they stand ("a large
 * yellow triangle above a green circle"). At most four objects in all; the two groups of a two-group scene
 * differ in colour or shape, so each object belongs to one group.
 *
 * <p>JSON: {@code {"groups": [{"count": 2, "colour": "red", "shape": "circle", "size": "small"}], "relation": "left_of"}};
 * {@code size} is absent when not said, {@code relation} absent for one group.
 */
public record SceneSpec(List<ObjectGroup> groups, Relation relation) {
    public static final int MAX_OBJECTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    public SceneSpec {
        groups = List.copyOf(groups);
        if (groups.size() == 1) {
            if (relation != null) throw new IllegalArgumentException("a one-group scene has no relation");
        } else if (groups.size() == 2) {
            if (relation == null) throw new IllegalArgumentException("a two-group scene needs a relation");
            ObjectGroup a = groups.get(0), b = groups.get(1);
            if (a.colour() == b.colour() && a.shape() == b.shape()) {
                throw new IllegalArgumentException("the two groups must differ in colour or shape, both are " + a.colour().word() + " " + a.shape().word());
            }
        } else {
            throw new IllegalArgumentException("a scene has one or two groups, got " + groups.size());
        }
        if (objectCount(groups) > MAX_OBJECTS) {
            throw new IllegalArgumentException("a scene holds at most " + MAX_OBJECTS + " objects, got " + objectCount(groups));
        }
    }

    public static SceneSpec single(ObjectGroup g) {
        return new SceneSpec(List.of(g), null);
    }

    public static SceneSpec pair(ObjectGroup a, Relation r, ObjectGroup b) {
        return new SceneSpec(List.of(a, b), r);
    }

    private static int objectCount(List<ObjectGroup> gs) {
        return gs.stream().mapToInt(ObjectGroup::count).sum();
    }

    public int objectCount() {
        return objectCount(groups);
    }

    public boolean spatial() {
        return relation != null && relation.spatial();
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode arr = o.putArray("groups");
        for (ObjectGroup g : groups) {
            ObjectNode n = arr.addObject();
            n.put("count", g.count());
            n.put("colour", g.colour().word());
            n.put("shape", g.shape().word());
            if (g.size() != null) n.put("size", g.size().word());
        }
        if (relation != null) o.put("relation", relation.id());
        return o;
    }

    /** Parses {@link #toJson()}'s form; errors name the missing or bad field. */
    public static SceneSpec fromJson(JsonNode o) {
        JsonNode arr = o == null ? null : o.get("groups");
        if (arr == null || !arr.isArray()) throw new IllegalArgumentException("scene spec needs a \"groups\" array: " + o);
        List<ObjectGroup> gs = new ArrayList<>();
        for (JsonNode n : arr) {
            JsonNode count = n.get("count"), colour = n.get("colour"), shape = n.get("shape"), size = n.get("size");
            if (count == null || !count.canConvertToInt()) throw new IllegalArgumentException("group needs an integer \"count\": " + n);
            if (colour == null || shape == null) throw new IllegalArgumentException("group needs \"colour\" and \"shape\": " + n);
            gs.add(new ObjectGroup(count.asInt(), ShapeColour.parse(colour.asText()), ShapeKind.parse(shape.asText()),
                    size == null || size.isNull() ? null : ObjectSize.parse(size.asText())));
        }
        JsonNode rel = o.get("relation");
        return new SceneSpec(gs, rel == null || rel.isNull() ? null : Relation.parse(rel.asText()));
    }
}
