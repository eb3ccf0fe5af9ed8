using System.Buffers.Binary;
using System.Text.Json;
using Google.Protobuf;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Onnx;

/// <summary>A named tensor: its dims, its values as floats, and as integers when it is an integer tensor (or, from JSON, integral).</summary>
public sealed record OnnxTensorValue(string Name, long[] Dims, float[] Floats, long[]? Ints)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long Count => Dims.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Tensor files: ONNX's serialized <c>TensorProto</c> (<c>.pb</c>, the format of the ONNX test data sets), and
/// the JSON form of <c>zkml compile --weights</c>: <c>{"name": value, …}</c> where a value is a number or a
/// (nested) array of numbers, its dims given by the nesting.
/// </summary>
public static class OnnxTensorFile
{
    /// <summary>Largest tensor read (elements).</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>Reads one ONNX TensorProto file (.pb).</summary>
    /// <exception cref="ModelFormatException">Unreadable, not a TensorProto, or an unsupported element type (the file is named).</exception>
    public static OnnxTensorValue Load(string path)
    {
        byte[] bytes = ReadAll(path);
        TensorProto t;
        try { t = TensorProto.Parser.ParseFrom(bytes); }
        catch (Exception e) when (e is InvalidProtocolBufferException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        { throw new ModelFormatException($"{path}: not an ONNX TensorProto file (.pb): {e.Message}", e); }
        return Read(t, path);
    }

    /// <summary>
    /// The tensors of a weights file: a .pb file is one TensorProto (its name field names the graph input); a
    /// .json file maps graph-input names to values.
    /// </summary>
    /// <exception cref="ModelFormatException">Unreadable or malformed file, an unnamed tensor, ragged arrays, non-numbers (named).</exception>
    public static IReadOnlyList<OnnxTensorValue> LoadWeights(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".pb")
        {
            var t = Load(path);
            if (t.Name.Length == 0) throw new ModelFormatException($"{path}: the TensorProto has no name; it must name the graph input it binds");
            return [t];
        }
        if (ext != ".json") throw new ModelFormatException($"{path}: unknown weights file extension '{ext}', expected .json ({{\"name\": [values…]}}) or .pb (an ONNX TensorProto)");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(ReadAll(path)); }
        catch (JsonException e) { throw new ModelFormatException($"{path}: not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException($"{path}: expected an object {{\"graph input name\": values, …}}, found {doc.RootElement.ValueKind}");
            var list = new List<OnnxTensorValue>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var dims = new List<long>();
                var e = p.Value;
                while (e.ValueKind == JsonValueKind.Array)
                {
                    dims.Add(e.GetArrayLength());
                    if (e.GetArrayLength() == 0) break;
                    e = e[0];
                }
                long count = 1;
                foreach (long d in dims) count = checked(count * d);
                if (count > MaxElements) throw new ModelFormatException($"{path}: '{p.Name}' has {count} elements, more than {MaxElements}");
                var values = new List<double>((int)count);
                Flatten(p.Value, 0, dims, values, path, p.Name);
                var floats = values.Select(v => (float)v).ToArray();
                long[]? ints = values.All(v => v == Math.Floor(v) && Math.Abs(v) < 9e15) ? values.Select(v => (long)v).ToArray() : null;
                list.Add(new OnnxTensorValue(p.Name, dims.ToArray(), floats, ints));
            }
            if (list.Count == 0) throw new ModelFormatException($"{path}: no tensors (expected {{\"graph input name\": values, …}})");
            return list;
        }
    }

    private static void Flatten(JsonElement e, int depth, List<long> dims, List<double> into, string path, string name)
    {
        if (depth == dims.Count)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double v) || !double.IsFinite(v))
                throw new ModelFormatException($"{path}: '{name}': expected a finite number at depth {depth}, found {e.ValueKind} ({Short(e)})");
            into.Add(v);
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != dims[depth])
            throw new ModelFormatException($"{path}: '{name}': ragged array: expected {dims[depth]} elements at depth {depth}, found {(e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() + " elements" : e.ValueKind.ToString())}");
        foreach (var x in e.EnumerateArray()) Flatten(x, depth + 1, dims, into, path, name);
    }

    private static string Short(JsonElement e)
    {
        string s = e.GetRawText();
        return s.Length > 40 ? s[..40] + "…" : s;
    }

    private static byte[] ReadAll(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
    }

    /// <summary>The values of a TensorProto (float, double, int32, int64; inline or raw data); <paramref name="where"/> prefixes errors.</summary>
    internal static OnnxTensorValue Read(TensorProto t, string where)
    {
        ModelFormatException Err(string m) => new($"{where}: {m}");
        if (t.DataLocation == 1 || t.ExternalData.Count > 0) throw Err("external tensor data is not supported (save the model with the weights inside the .onnx file)");
        var dims = t.Dims.ToArray();
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw Err($"negative dimension {d}");
            count = checked(count * d);
        }
        if (count > MaxElements) throw Err($"tensor of {count} elements is too large");
        var type = (TensorProto.Types.DataType)t.DataType;
        var raw = t.RawData.Span;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
            {
                float[] f;
                if (!t.RawData.IsEmpty)
                {
                    if (raw.Length != count * 4) throw Err($"raw_data has {raw.Length} bytes, expected {count * 4} for {count} floats");
                    f = new float[count];
                    for (int i = 0; i < count; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
                }
                else
                {
                    if (t.FloatData.Count != count) throw Err($"float_data has {t.FloatData.Count} values, expected {count}");
                    f = t.FloatData.ToArray();
                }
                return new OnnxTensorValue(t.Name, dims, f, null);
            }
            case TensorProto.Types.DataType.Double:
            {
                double[] d;
                if (!t.RawData.IsEmpty)
                {
                    if (raw.Length != count * 8) throw Err($"raw_data has {raw.Length} bytes, expected {count * 8} for {count} doubles");
                    d = new double[count];
                    for (int i = 0; i < count; i++) d[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8, 8));
                }
                else
                {
                    if (t.DoubleData.Count != count) throw Err($"double_data has {t.DoubleData.Count} values, expected {count}");
                    d = t.DoubleData.ToArray();
                }
                return new OnnxTensorValue(t.Name, dims, d.Select(v => (float)v).ToArray(), null);
            }
            case TensorProto.Types.DataType.Int64:
            case TensorProto.Types.DataType.Int32:
            {
                long[] v;
                int size = type == TensorProto.Types.DataType.Int64 ? 8 : 4;
                if (!t.RawData.IsEmpty)
                {
                    if (raw.Length != count * size) throw Err($"raw_data has {raw.Length} bytes, expected {count * size}");
                    v = new long[count];
                    for (int i = 0; i < count; i++)
                        v[i] = size == 8 ? BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8, 8)) : BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4, 4));
                }
                else
                {
                    v = size == 8 ? t.Int64Data.ToArray() : t.Int32Data.Select(x => (long)x).ToArray();
                    if (v.Length != count) throw Err($"{(size == 8 ? "int64_data" : "int32_data")} has {v.Length} values, expected {count}");
                }
                return new OnnxTensorValue(t.Name, dims, v.Select(x => (float)x).ToArray(), v);
            }
            default:
                throw Err($"tensor element type {type} is not supported (float, double, int32, int64)");
        }
    }
}
