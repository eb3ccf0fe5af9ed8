using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using ZkMl.Compiler.Onnx.Proto;

namespace ZkMl.Compiler.Reference;

/// <summary>
/// The float reference of an ONNX model: ONNX Runtime (CPU) runs the original file, not ZkMl's
/// import of it. A trailing Softmax is skipped (its input is read instead), as the importer drops it:
/// the outputs are the logits the circuit proves. Rows are run in batches along the model's batch
/// dimension (a symbolic first dimension takes up to <see cref="MaxBatch"/> rows per run; a fixed one
/// N takes N rows, the last run padded with zero rows whose outputs are discarded).
/// </summary>
public sealed class OnnxRuntimeReference : IFloatReference, IDisposable
{
    /// <summary>Rows per ONNX Runtime run when the batch dimension is symbolic.</summary>
    public const int MaxBatch = 1024;

    private readonly InferenceSession session;
    private readonly string inputName, outputName, source;
    private readonly long[] rowShape;
    private readonly int fixedBatch;

    private OnnxRuntimeReference(InferenceSession session, string inputName, string outputName, long[] rowShape, int fixedBatch, int inputSize, string source)
    {
        this.session = session;
        this.inputName = inputName;
        this.outputName = outputName;
        this.rowShape = rowShape;
        this.fixedBatch = fixedBatch;
        this.source = source;
        InputSize = inputSize;
    }

    /// <inheritdoc/>
    public string Name => "ONNX Runtime";

    /// <summary>Floats per row the model takes (the product of its non-batch input dimensions).</summary>
    public int InputSize { get; }

    /// <summary>The ONNX tensor whose values are returned (the graph output, or the input of a trailing Softmax).</summary>
    public string OutputTensor => outputName;

    /// <summary>Loads <paramref name="path"/> into an ONNX Runtime session.</summary>
    /// <exception cref="ModelFormatException">Unreadable file, or a model ONNX Runtime rejects or that has not exactly one float input.</exception>
    public static OnnxRuntimeReference Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message})", e); }
        return FromBytes(bytes, path);
    }

    /// <summary>A session over the ONNX bytes; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="ModelFormatException">See <see cref="Load"/>.</exception>
    public static OnnxRuntimeReference FromBytes(byte[] bytes, string source = "model.onnx")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (Google.Protobuf.InvalidProtocolBufferException e) { throw new ModelFormatException($"{source}: not an ONNX model ({e.Message})", e); }
        string outputName = LogitsOutput(model, source, out bool rewritten);
        if (rewritten) bytes = Google.Protobuf.MessageExtensions.ToByteArray(model);

        InferenceSession session;
        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e) { throw new ModelFormatException($"{source}: ONNX Runtime cannot load the model ({e.Message})", e); }
        try
        {
            if (session.InputMetadata.Count != 1)
                throw new ModelFormatException($"{source}: ONNX Runtime reference needs exactly one graph input, found {session.InputMetadata.Count}: {string.Join(", ", session.InputMetadata.Keys.Select(k => $"'{k}'"))}");
            var (inputName, meta) = session.InputMetadata.First();
            if (meta.ElementType != typeof(float))
                throw new ModelFormatException($"{source}: input '{inputName}' has element type {meta.ElementType.Name}, the float reference needs float32");
            int[] dims = meta.Dimensions;
            if (dims.Length == 0) throw new ModelFormatException($"{source}: input '{inputName}' is a scalar, expected [batch, …]");
            int fixedBatch = dims[0] > 0 ? dims[0] : 0;
            var row = new long[dims.Length - 1];
            long size = 1;
            int unknown = -1;
            for (int i = 1; i < dims.Length; i++)
            {
                if (dims[i] > 0) { row[i - 1] = dims[i]; size *= dims[i]; }
                else if (unknown < 0) unknown = i - 1;
                else throw new ModelFormatException($"{source}: input '{inputName}' has more than one symbolic non-batch dimension; the row size is unknown");
            }
            if (unknown >= 0) row[unknown] = -1;
            return new OnnxRuntimeReference(session, inputName, outputName, row, fixedBatch, unknown >= 0 ? 0 : checked((int)size), source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The outputs of each row (flattened), in order.</summary>
    /// <exception cref="ArgumentException">A row whose length does not fit the model's input.</exception>
    /// <exception cref="ModelFormatException">ONNX Runtime fails on the rows, or the output does not split into rows.</exception>
    public float[][] Run(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = new float[rows.Count][];
        if (rows.Count == 0) return result;
        int width = rows[0].Length;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != width || width == 0 || (InputSize > 0 && width != InputSize))
                throw new ArgumentException($"row {r} has {rows[r].Length} values, the model's input '{inputName}' takes {(InputSize > 0 ? InputSize : width)} per row", nameof(rows));
        }
        long known = rowShape.Where(d => d > 0).Aggregate(1L, (a, b) => a * b);
        bool symbolic = rowShape.Any(d => d < 0);
        if (symbolic ? width % known != 0 : width != known)
            throw new ArgumentException($"rows of {width} values do not fill the input '{inputName}' of row shape [{string.Join(", ", rowShape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]", nameof(rows));
        var shape = new long[rowShape.Length + 1];
        for (int i = 0; i < rowShape.Length; i++) shape[i + 1] = rowShape[i] > 0 ? rowShape[i] : width / known;

        int chunk = fixedBatch > 0 ? fixedBatch : MaxBatch;
        var buffer = new float[(long)chunk * width];
        for (int start = 0; start < rows.Count; start += chunk)
        {
            int n = Math.Min(chunk, rows.Count - start);
            int batch = fixedBatch > 0 ? fixedBatch : n;
            Array.Clear(buffer);
            for (int r = 0; r < n; r++) rows[start + r].CopyTo(buffer, (long)r * width);
            shape[0] = batch;
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, batch * width), shape);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                using var runOptions = new RunOptions();
                outputs = session.Run(runOptions, [inputName], [input], [outputName]);
            }
            catch (OnnxRuntimeException e) { throw new ModelFormatException($"{source}: ONNX Runtime failed on rows {start}…{start + n - 1} ({e.Message})", e); }
            using (outputs)
            {
                var o = outputs[0];
                var info = o.GetTensorTypeAndShape();
                if (info.ElementDataType != TensorElementType.Float)
                    throw new ModelFormatException($"{source}: output '{outputName}' has element type {info.ElementDataType}, expected float");
                var data = o.GetTensorDataAsSpan<float>();
                if (data.Length % batch != 0)
                    throw new ModelFormatException($"{source}: output '{outputName}' has {data.Length} values for a batch of {batch}; they do not split into rows");
                int per = data.Length / batch;
                for (int r = 0; r < n; r++) result[start + r] = data.Slice(r * per, per).ToArray();
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public void Dispose() => session.Dispose();

    /// <summary>
    /// The tensor holding the logits: the single graph output, or, when a Softmax produces it, the
    /// Softmax's input (added to the graph outputs so ONNX Runtime returns it).
    /// </summary>
    private static string LogitsOutput(ModelProto model, string source, out bool rewritten)
    {
        rewritten = false;
        var g = model.Graph ?? throw new ModelFormatException($"{source}: no graph");
        if (g.Output.Count != 1)
            throw new ModelFormatException($"{source}: ONNX Runtime reference needs exactly one graph output, found {g.Output.Count}");
        string name = g.Output[0].Name;
        var producer = g.Node.LastOrDefault(n => n.Output.Contains(name));
        if (producer is null || producer.OpType != "Softmax" || producer.Input.Count < 1) return name;
        string logits = producer.Input[0];
        g.Output.Clear();
        g.Output.Add(new ValueInfoProto
        {
            Name = logits,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        rewritten = true;
        return logits;
    }
}
