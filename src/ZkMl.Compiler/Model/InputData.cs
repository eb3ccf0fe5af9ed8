using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ZkMl.Compiler.Model;

/// <summary>
/// EZKL's <c>input.json</c>: <c>{"input_data": [[x0, x1, …], …]}</c>. Each array is one flattened sample;
/// several arrays form a batch and must each hold exactly the network's input size. A file with a single
/// array (flat: EZKL writes a whole batch tensor as one array) may hold a multiple of the input size,
/// split into that many samples. Other fields (input_shapes, output_data, …) are ignored.
/// </summary>
public static class InputData
{
    /// <summary>Reads the rows of <c>input_data</c> from a file.</summary>
    /// <param name="path">The input.json file.</param>
    /// <param name="inputSize">Features per sample; rows are checked (and a flat file split) against it. 0 skips the check.</param>
    /// <exception cref="ModelFormatException">Unreadable file, missing input_data, non-numbers, NaN, or a wrong row length (named).</exception>
    public static float[][] Load(string path, int inputSize) => Parse(ReadBytes(path), inputSize, path);

    /// <summary>The bytes of an input file, with a <see cref="ModelFormatException"/> naming it when it cannot be read.</summary>
    public static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
    }

    /// <summary>Parses input.json text; see <see cref="Load"/>.</summary>
    public static float[][] Parse(string json, int inputSize, string source = "input.json")
        => Parse(Encoding.UTF8.GetBytes(json), inputSize, source);

    /// <summary>
    /// The number of samples in UTF-8 input.json bytes, found by a streaming scan that allocates nothing per
    /// value, so that a caller can refuse a file with too many rows before <see cref="Parse(ReadOnlyMemory{byte}, int, string)"/>
    /// builds them. Returns −1 when the file is not in the expected shape (<see cref="Parse(ReadOnlyMemory{byte}, int, string)"/> then names the problem).
    /// </summary>
    /// <exception cref="ModelFormatException">Not valid JSON (line and column named).</exception>
    public static long CountSamples(ReadOnlySpan<byte> utf8Json, int inputSize, string source = "input.json")
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { AllowTrailingCommas = false });
        long rows = 0, values = 0;
        bool inData = false;
        try
        {
            while (reader.Read())
            {
                if (!inData)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("input_data"u8))
                    {
                        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return -1;
                        inData = true;
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                    {
                        reader.Skip();
                    }
                    continue;
                }
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray) break;
                if (reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartArray) rows++;
                else if (reader.CurrentDepth == 3 && reader.TokenType == JsonTokenType.Number) values++;
            }
        }
        catch (JsonException e)
        {
            throw JsonSyntax.Error(source, Encoding.UTF8.GetString(utf8Json), e);
        }
        if (!inData || rows == 0) return -1;
        if (rows == 1 && inputSize > 0) return values % inputSize == 0 ? values / inputSize : -1;
        return rows;
    }

    /// <summary>Parses UTF-8 input.json bytes; see <see cref="Load"/>.</summary>
    public static float[][] Parse(ReadOnlyMemory<byte> utf8Json, int inputSize, string source = "input.json")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(utf8Json); }
        catch (JsonException e) { throw JsonSyntax.Error(source, Encoding.UTF8.GetString(utf8Json.Span), e); }
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
            bool flat = data.GetArrayLength() == 1;
            var rows = new List<float[]>();
            int r = 0;
            foreach (var row in data.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array)
                    throw new ModelFormatException($"{source}: field 'input_data[{r}]': expected an array of numbers");
                int length = row.GetArrayLength();
                // Check the length before reading the values: a wrong file fails fast, whatever its size.
                if (inputSize > 0 && (length == 0 || (flat ? length % inputSize != 0 : length != inputSize)))
                    throw new ModelFormatException(flat
                        ? $"{source}: field 'input_data[{r}]' has {length} values, the model expects {inputSize} per sample (or a multiple of {inputSize} for a batch)"
                        : $"{source}: field 'input_data[{r}]' has {length} values, the model expects {inputSize} per sample (each row of a batch is one sample; a whole batch may also be one flat row of a multiple of {inputSize} values)");
                var vals = new float[length];
                int c = 0;
                foreach (var x in row.EnumerateArray())
                {
                    if (x.ValueKind != JsonValueKind.Number)
                        throw new ModelFormatException($"{source}: field 'input_data[{r}][{c}]': expected a number, found {x.ValueKind.ToString().ToLowerInvariant()}");
                    float v = (float)x.GetDouble();
                    if (!float.IsFinite(v)) throw new ModelFormatException($"{source}: field 'input_data[{r}][{c}]': {x.GetRawText()} is not a finite float32 number");
                    vals[c++] = v;
                }
                if (inputSize > 0)
                    for (int s = 0; s < vals.Length; s += inputSize) rows.Add(vals.AsSpan(s, inputSize).ToArray());
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
