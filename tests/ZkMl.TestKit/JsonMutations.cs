using System.Text.Json.Nodes;
using CsCheck;

namespace ZkMl.TestKit;

/// <summary>
/// Structured mutations of a JSON document at the tree level: a value replaced by an edge value of another
/// type or size (±1e308, 1e400, −0, 2^53 + 1, "", "NaN", null, true, {}, [], a 100,000-element array, arrays
/// nested 200 deep), a key deleted or renamed, an unknown key added, an array truncated, emptied or repeated,
/// plus the byte-level <see cref="Mutations"/> of its UTF-8 text (truncation, flips, …).
/// </summary>
public static class JsonMutations
{
    /// <summary>A tree edit: <c>Node</c> indexes the document's nodes in pre-order, <c>Op</c> picks the edit, <c>Arg</c> its argument.</summary>
    public sealed record Edit(int Node, int Op, int Arg)
    {
        public const int Ops = 7;

        /// <summary>Applies the edit to a copy of <paramref name="json"/>; returns the new text.</summary>
        public string Apply(string json)
        {
            var root = JsonNode.Parse(json);
            if (root is null) return json;
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var node = nodes[(int)((uint)Node % (uint)nodes.Count)];
            switch (Op)
            {
                case 0: return ReplaceNode(root, node, Replacement(Arg)).ToJsonString();
                case 1 when node is JsonObject o && o.Count > 0:
                    o.Remove(o.ElementAt((int)((uint)Arg % (uint)o.Count)).Key); break;
                case 2 when node is JsonObject o && o.Count > 0:
                    {
                        var kv = o.ElementAt((int)((uint)Arg % (uint)o.Count));
                        var v = kv.Value?.DeepClone();
                        o.Remove(kv.Key);
                        o[kv.Key.ToUpperInvariant() + "_"] = v;
                        break;
                    }
                case 3 when node is JsonObject o: o["zz_unknown_" + Arg] = Replacement(Arg); break;
                case 4 when node is JsonArray a && a.Count > 0:
                    {
                        int keep = (int)((uint)Arg % (uint)a.Count);
                        while (a.Count > keep) a.RemoveAt(a.Count - 1);
                        break;
                    }
                case 5 when node is JsonArray a && a.Count > 0:
                    {
                        var items = a.Select(x => x?.DeepClone()).ToArray();
                        int times = 1 + (int)((uint)Arg % 8u);
                        for (int t = 0; t < times; t++) foreach (var x in items) a.Add(x?.DeepClone());
                        break;
                    }
                case 6 when node is JsonArray a && a.Count > 0:
                    a[(int)((uint)Arg % (uint)a.Count)] = Replacement(Arg / 7); break;
                default: return ReplaceNode(root, node, Replacement(Arg)).ToJsonString();
            }
            return root.ToJsonString();
        }

        private static JsonNode ReplaceNode(JsonNode root, JsonNode node, JsonNode? with)
        {
            if (ReferenceEquals(node, root)) return with ?? JsonValue.Create(0)!;
            var parent = node.Parent!;
            if (parent is JsonObject po) po[node.GetPropertyName()] = with;
            else if (parent is JsonArray pa) pa[node.GetElementIndex()] = with;
            return root;
        }

        private static void Collect(JsonNode node, List<JsonNode> into)
        {
            into.Add(node);
            if (node is JsonObject o) { foreach (var kv in o) if (kv.Value is not null) Collect(kv.Value, into); }
            else if (node is JsonArray a) { foreach (var x in a) if (x is not null) Collect(x, into); }
        }

        /// <summary>The replacement values: numbers at the edges of float/double/int ranges, other JSON types, huge and deep arrays.</summary>
        public static JsonNode? Replacement(int k) => ((uint)k % 22u) switch
        {
            0 => JsonValue.Create(1e308),
            1 => JsonValue.Create(-1e308),
            2 => JsonNode.Parse("1e400"),
            3 => JsonNode.Parse("-0.0"),
            4 => JsonNode.Parse("9007199254740993"),
            5 => JsonValue.Create(3.4028236e38),
            6 => JsonValue.Create(1e-320),
            7 => JsonValue.Create(""),
            8 => JsonValue.Create("NaN"),
            9 => null,
            10 => JsonValue.Create(true),
            11 => new JsonObject(),
            12 => new JsonArray(),
            13 => new JsonArray([.. Enumerable.Repeat(0, 100_000).Select(v => (JsonNode?)JsonValue.Create(v))]),
            14 => JsonNode.Parse(new string('[', 200) + new string(']', 200)),
            15 => JsonValue.Create(-1),
            16 => JsonValue.Create(int.MaxValue),
            17 => JsonValue.Create(long.MinValue),
            18 => JsonValue.Create(0.5),
            19 => JsonNode.Parse("[[1,2],[3]]"),
            20 => JsonValue.Create("\u001b[31m\r\n"),
            _ => JsonValue.Create(4294967296L),
        };
    }

    /// <summary>Mutated texts of <paramref name="json"/>: two in three tree edits (one to three), one in three byte-level mutations.</summary>
    public static Gen<string> Of(string json)
    {
        var edit = Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, Edit.Ops - 1], Gen.Int[0, 1000]).Select((n, o, a) => new Edit(n, o, a));
        var tree = edit.Array[1, 3].Select(es =>
        {
            string s = json;
            foreach (var e in es)
            {
                try { s = e.Apply(s); }
                catch (System.Text.Json.JsonException) { break; } // an earlier edit made text no longer valid JSON (e.g. 1e400 re-read)
            }
            return s;
        });
        var bytes = Mutations.Utf8(json);
        var raw = Mutations.Of(bytes.Length).Select(m => System.Text.Encoding.UTF8.GetString(m.Apply(bytes)));
        return Gen.Frequency((2, (IGen<string>)tree), (1, raw));
    }
}
