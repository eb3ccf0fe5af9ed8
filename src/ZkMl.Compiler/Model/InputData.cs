using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ZkMl.Compiler.Model;

/// <summary>
/// EZKL's <c>input.json</c>: <c>{"input_data": [[x0, x1, …], …]}</c>. Each array is a flattened
/// sample; several arrays form a batch. An array whose length is a multiple of the network's
/// input size is split into that many samples (EZKL writes a whole batch tensor as one array).
/// Other fields (input_shapes, output_data, …) are ignored.
/// </summary>
public static class InputData
{
    /// <summary>Reads the rows of <c>input_data</c> from a file.</summary>
    /// <param name="path">The input.json file.</param>
    /// <param name="inputSize">Features per sample; rows are checked (and split) against it. 0 skips the check.</param>
    /// <exception cref="ModelFormatException">Unreadable file, missing input_data, non-numbers, NaN, or a wrong row length (named).</exception>
    public static float[][] Load(string path, int inputSize)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        return Parse(text, inputSize, path);
    }

    /// <summary>Parses input.json text; see <see cref="Load"/>.</summary>
    public static float[][] Parse(string json, int inputSize, string source = "input.json")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ModelFormatException($"{source}: not valid JSON ({e.Message})", e); }
        using (doc) return ReadRows(doc.RootElement, inputSize, source);
    }

    /// <summary>The rows of <c>input_data</c> in a parsed document (see <see cref="Load"/>).</summary>
    internal static float[][] ReadRows(JsonElement root, int inputSize, string source)
    {
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("input_data", out var data))
                throw new ModelFormatException($"{source}: expected an object with field 'input_data' (EZKL format: {{\"input_data\": [[...]]}})");
            if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
                throw new ModelFormatException($"{source}: field 'input_data': expected a non-empty array of arrays of numbers");
            var rows = new List<float[]>();
            int r = 0;
            foreach (var row in data.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array)
                    throw new ModelFormatException($"{source}: field 'input_data[{r}]': expected an array of numbers");
                var vals = new float[row.GetArrayLength()];
                int c = 0;
                foreach (var x in row.EnumerateArray())
                {
                    if (x.ValueKind != JsonValueKind.Number)
                        throw new ModelFormatException($"{source}: field 'input_data[{r}][{c}]': expected a number, found {x.ValueKind.ToString().ToLowerInvariant()}");
                    float v = (float)x.GetDouble();
                    if (!float.IsFinite(v)) throw new ModelFormatException($"{source}: field 'input_data[{r}][{c}]': expected a finite float32 number");
                    vals[c++] = v;
                }
                if (inputSize > 0)
                {
                    if (vals.Length == 0 || vals.Length % inputSize != 0)
                        throw new ModelFormatException(
                            $"{source}: field 'input_data[{r}]' has {vals.Length} values, the model expects {inputSize} per sample (or a multiple of {inputSize} for a batch)");
                    for (int s = 0; s < vals.Length; s += inputSize) rows.Add(vals.AsSpan(s, inputSize).ToArray());
                }
                else rows.Add(vals);
                r++;
            }
            return rows.ToArray();
        }
    }

    /// <summary>Writes rows in EZKL's format (one array per sample) to text.</summary>
    public static string Serialize(IReadOnlyList<float[]> rows)
    {
        var sb = new StringBuilder("{\"input_data\": [\n");
        for (int r = 0; r < rows.Count; r++)
        {
            sb.Append("  [");
            for (int c = 0; c < rows[r].Length; c++)
            {
                if (c > 0) sb.Append(',');
                sb.Append(rows[r][c].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append(r + 1 < rows.Count ? "],\n" : "]\n");
        }
        return sb.Append("]}\n").ToString();
    }
}
