using ZkMl.Compiler.Model;
using ZkMl.Compiler.Onnx;

namespace ZkMl.Compiler;

/// <summary>Loads a float model by file extension: <c>.onnx</c> (ONNX) or <c>.json</c> (ZkMl's JSON model format).</summary>
public static class ModelLoader
{
    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">Missing file, unknown extension, or any import error (the message names file, field or node).</exception>
    public static Network Load(string path) => Load(path, null);

    /// <summary>Loads <paramref name="path"/>, binding <paramref name="weights"/> (ONNX only) to graph inputs of the same names as constants.</summary>
    /// <exception cref="ModelFormatException">See <see cref="Load(string)"/>; weights given for a JSON model.</exception>
    public static Network Load(string path, IReadOnlyList<OnnxTensorValue>? weights)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new ModelFormatException($"{path}: file not found");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".onnx" => OnnxImporter.Load(path, weights),
            ".json" when weights is { Count: > 0 } => throw new ModelFormatException($"{path}: --weights binds ONNX graph inputs; a JSON model carries its weights"),
            ".json" => ModelJson.Load(path),
            var e => throw new ModelFormatException($"{path}: unknown model extension '{e}', expected .onnx or .json"),
        };
    }
}
