using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ZkMl.Service.Batches;

/// <summary>
/// Digests that name a batch of rows independently of where it is proven: the SHA-256 of the
/// quantized input rows (what a proof's public inputs carry, so a verifier recomputes it from the
/// proof alone) and the batch digest that binds those rows to a verifying key. A batch is a unit of
/// work identified by its batch digest (a job of <c>zkml serve</c>, a line of a dataset manifest, and
/// later the key of a batch grain): two provers of the same batch digest produce interchangeable proofs.
/// </summary>
public static class BatchDigest
{
    private static ReadOnlySpan<byte> Domain => "zkml-batch-v1"u8;

    /// <summary>
    /// SHA-256 of quantized input rows: every value as a signed 64-bit little-endian integer, row after
    /// row (no separator: the row length is fixed by the circuit).
    /// </summary>
    public static byte[] Rows(ReadOnlySpan<long> quantizedRows)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buf = stackalloc byte[8 * 64];
        int i = 0;
        while (i < quantizedRows.Length)
        {
            int n = Math.Min(64, quantizedRows.Length - i);
            for (int j = 0; j < n; j++) BinaryPrimitives.WriteInt64LittleEndian(buf.Slice(8 * j, 8), quantizedRows[i + j]);
            h.AppendData(buf[..(8 * n)]);
            i += n;
        }
        return h.GetHashAndReset();
    }

    /// <summary>SHA-256 of the quantized rows of float samples (<see cref="Compiler.Quantization.Circuit.QuantizeInput"/>).</summary>
    public static byte[] Rows(Compiler.Quantization.Circuit circuit, IReadOnlyList<float[]> samples)
    {
        var all = new long[samples.Count * circuit.InputSize];
        for (int b = 0; b < samples.Count; b++) circuit.QuantizeInput(samples[b]).CopyTo(all, b * circuit.InputSize);
        return Rows(all);
    }

    /// <summary>The batch digest: SHA-256("zkml-batch-v1" ‖ VK digest ‖ row count (u32 LE) ‖ rows digest).</summary>
    public static byte[] Batch(ReadOnlySpan<byte> vkDigest, int rowCount, ReadOnlySpan<byte> rowsDigest)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(Domain);
        h.AppendData(vkDigest);
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(n, (uint)rowCount);
        h.AppendData(n);
        h.AppendData(rowsDigest);
        return h.GetHashAndReset();
    }
}
