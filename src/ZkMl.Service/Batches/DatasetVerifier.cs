using ZkMl.Inference;

namespace ZkMl.Service.Batches;

/// <summary>The outcome of <see cref="DatasetVerifier.Verify"/>: every problem found, one line each.</summary>
/// <param name="Manifest">The manifest read.</param>
/// <param name="Problems">Empty when the whole set verifies.</param>
/// <param name="ProofsVerified">Proofs that verified and matched their manifest line.</param>
public sealed record DatasetReport(DatasetManifest Manifest, IReadOnlyList<string> Problems, int ProofsVerified)
{
    /// <summary>True when every row is covered exactly once and every proof is valid and matches.</summary>
    public bool IsValid => Problems.Count == 0;
}

/// <summary>
/// Checks a proven dataset against its manifest (<c>zkml verify-dataset</c>): the manifest is for this
/// key; the batches cover rows 0…Rows−1 exactly once, in order; each batch is done, its proof verifies
/// under the key, proves exactly its row count, and the SHA-256 of the rows in the proof's public inputs
/// equals the manifest's, as does the batch digest.
/// </summary>
public static class DatasetVerifier
{
    /// <summary>Verifies the folder <paramref name="dir"/> with <paramref name="vk"/>.</summary>
    /// <exception cref="DatasetException">No readable manifest.</exception>
    public static DatasetReport Verify(VerifyingKey vk, string dir)
    {
        var m = DatasetManifest.Load(dir);
        var problems = new List<string>();
        string mp = Path.Combine(dir, DatasetManifest.FileName);
        if (m.VkDigest != vk.DigestHex) problems.Add($"{mp}: made for the key {Short(m.VkDigest)}, not this one ({Short(vk.DigestHex)})");
        if (m.Rows < 1) problems.Add($"{mp}: rows {m.Rows}");
        long next = 0;
        int ok = 0;
        var seenProofs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var b in m.Batches.OrderBy(b => b.FirstRow).ThenBy(b => b.Index))
        {
            string where = $"batch {b.Index} (rows {b.FirstRow}…{(long)b.FirstRow + b.RowCount - 1})";
            if (b.RowCount < 1) { problems.Add($"{where}: row count {b.RowCount}"); continue; }
            if (b.FirstRow < next) problems.Add($"{where}: overlaps the previous batch (rows from {b.FirstRow} were already covered up to {next - 1})");
            else if (b.FirstRow > next) problems.Add($"{where}: rows {next}…{b.FirstRow - 1} are covered by no batch");
            next = Math.Max(next, (long)b.FirstRow + b.RowCount);
            if (b.Status != BatchStatus.Done) { problems.Add($"{where}: status {b.Status.ToString().ToLowerInvariant()}, not done (resume with zkml prove-dataset)"); continue; }
            if (!seenProofs.Add(b.Proof)) { problems.Add($"{where}: proof file {b.Proof} is also used by another batch"); continue; }
            if (b.Proof.Contains('/') || b.Proof.Contains('\\') || b.Proof.Contains("..", StringComparison.Ordinal)) { problems.Add($"{where}: proof file name {b.Proof} leaves the folder"); continue; }
            string? p = CheckProof(vk, Path.Combine(dir, b.Proof), b);
            if (p is null) ok++;
            else problems.Add($"{where}: {p}");
        }
        if (next < m.Rows) problems.Add($"rows {next}…{m.Rows - 1} are covered by no batch");
        else if (next > m.Rows) problems.Add($"batches cover {next} rows, the manifest says {m.Rows}");
        return new DatasetReport(m, problems, ok);
    }

    /// <summary>
    /// Checks one batch's proof file: it exists, verifies under <paramref name="vk"/>, proves
    /// <see cref="DatasetBatch.RowCount"/> rows whose SHA-256 and batch digest match the line. Returns
    /// null when it does, else the problem.
    /// </summary>
    public static string? CheckProof(VerifyingKey vk, string path, DatasetBatch b)
    {
        if (!File.Exists(path)) return $"{path}: proof file not found";
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { return $"{path}: {e.Message}"; }
        return CheckProofBytes(vk, bytes, b, path);
    }

    /// <summary>
    /// <see cref="CheckProof"/> on the bytes of a proof file (a result received from a silo before it is
    /// written); <paramref name="path"/> only names it in the problem.
    /// </summary>
    public static string? CheckProofBytes(VerifyingKey vk, byte[] bytes, DatasetBatch b, string path)
    {
        if (!InferenceProof.TryFromFileBytes(bytes, out var proof, out var reason)) return $"{path}: {reason}";
        var r = InferenceVerifier.Verify(vk, proof!);
        if (!r.IsValid) return $"{path}: not verified: {r.Reason} ({r.Failure})";
        var io = proof!.DecodePublicIO(vk);
        if (io.BatchSize != b.RowCount) return $"{path}: proves {io.BatchSize} rows, the manifest says {b.RowCount}";
        byte[] rows = BatchDigest.Rows(io.Inputs);
        if (Convert.ToHexStringLower(rows) != b.RowsSha256) return $"{path}: the rows in the proof's public inputs have SHA-256 {Short(Convert.ToHexStringLower(rows))}, the manifest says {Short(b.RowsSha256)}";
        if (Convert.ToHexStringLower(BatchDigest.Batch(vk.Digest, io.BatchSize, rows)) != b.BatchDigest) return $"{path}: batch digest differs from the manifest's {Short(b.BatchDigest)}";
        return null;
    }

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] + "…" : hex;
}
