using ZkMl.Compiler.Model;

namespace ZkMl.Compiler.Reference;

/// <summary>A float implementation of a model that quantized outputs are measured against.</summary>
public interface IFloatReference
{
    /// <summary>What runs the model, for tables and JSON ("ONNX Runtime", "ZkMl float executor").</summary>
    string Name { get; }

    /// <summary>The float outputs of each row.</summary>
    float[][] Run(IReadOnlyList<float[]> rows);
}

/// <summary>ZkMl's own float executor (<see cref="FloatExecutor"/>) on the imported network: the reference of a model with no ONNX file.</summary>
public sealed class FloatExecutorReference(Network network) : IFloatReference
{
    /// <inheritdoc/>
    public string Name => "ZkMl float executor";

    /// <inheritdoc/>
    public float[][] Run(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var r = new float[rows.Count][];
        Parallel.For(0, rows.Count, i => r[i] = FloatExecutor.Run(network, rows[i]));
        return r;
    }
}

/// <summary>Chooses the float reference of a model file.</summary>
public static class FloatReference
{
    /// <summary>
    /// ONNX Runtime on the original file for <c>.onnx</c>; the float executor on <paramref name="network"/>
    /// for any other model (ZkMl's JSON format). The caller disposes the result when it is <see cref="IDisposable"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot run the file, or its input size differs from the imported network's.</exception>
    public static IFloatReference For(string modelPath, Network network)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(network);
        if (!Path.GetExtension(modelPath).Equals(".onnx", StringComparison.OrdinalIgnoreCase)) return new FloatExecutorReference(network);
        var ort = OnnxRuntimeReference.Load(modelPath);
        if (ort.InputSize != 0 && ort.InputSize != network.InputSize)
        {
            ort.Dispose();
            throw new ModelFormatException($"{modelPath}: ONNX Runtime sees {ort.InputSize} inputs per row, the import {network.InputSize}");
        }
        return ort;
    }
}
