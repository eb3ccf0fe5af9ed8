using System.Buffers.Binary;
using System.Security.Cryptography;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;

namespace ZkMl.Inference;

/// <summary>
/// <c>input.commit</c> (docs/protocol.md "Private inputs", docs/zk-design.md §6): the hiding commitment C_X = [X′(τ)]₁ + s_X·H
/// to a batch of quantized inputs, the public half of a private-input statement. X′ is the Bp × rowWidth matrix of the B real
/// rows, then copies of row 0 up to Bp rows, zeros in the columns ≥ inputSize, stored column by column (entry col·Bp + row,
/// version 2; version 1 was row-major): the real entries are the prefix [0, inputSize·Bp). The commitment depends on the
/// SRS (the τ-powers and H, named by <see cref="SrsFingerprint"/>) and on (Bp, rowWidth), not on a model: one commitment can
/// serve proofs of several models with the same input width and SRS. Its secret half is <see cref="InputOpening"/>. From
/// version 3 an X′ of 2^18 entries or more (<see cref="ZkShape.SplitsInput"/>) is committed as its two halves, C_X = (C_lo, C_hi)
/// with independent blindings (docs/protocol.md "ZK mode: split opening vectors").
/// </summary>
public sealed class InputCommitment
{
    private static ReadOnlySpan<byte> Magic => "ZKMLXCM\0"u8;

    /// <summary>The format version written by <see cref="ToBytes"/>.</summary>
    public const uint Version = 3;

    /// <summary>What an older version's file was, for the reader's message.</summary>
    internal const string OlderNote = "version 1 is the row-major X′ of zkml before the column-major private input; re-run zkml commit-input";

    /// <summary>Bytes of a file with one point: magic and version 12, fingerprint 32, four u32 16, C_X 64, SHA-256 32 (+64 for a split X′'s high half).</summary>
    public const int ByteLength = 12 + 32 + 16 + 64 + 32;

    /// <summary>True when an X′ of Bp × rowWidth entries is committed as two halves (<see cref="ZkShape.SplitsInput"/>).</summary>
    public static bool IsSplitShape(int paddedBatch, int rowWidth)
        => ZkShape.SplitsInput(System.Numerics.BitOperations.Log2((uint)paddedBatch) + System.Numerics.BitOperations.Log2((uint)rowWidth));

    /// <summary>The file's length for a shape: <see cref="ByteLength"/>, 64 more when X′ is split.</summary>
    internal static int FileLength(int paddedBatch, int rowWidth) => ByteLength + (IsSplitShape(paddedBatch, rowWidth) ? 64 : 0);

    /// <summary>Largest batch a commitment is made for (<see cref="InferenceSetup.MaxBatchLimit"/>).</summary>
    public const int MaxBatch = InferenceSetup.MaxBatchLimit;

    /// <summary>Largest row width 2^{i_0}.</summary>
    public const int MaxRowWidth = 1 << 24;

    /// <summary>A commitment record; the fields are validated (<see cref="ShapeProblem"/>); <paramref name="high"/> exactly when the shape splits X′.</summary>
    /// <exception cref="ArgumentException">A malformed field.</exception>
    public InputCommitment(byte[] srsFingerprint, int batch, int rowWidth, int inputSize, G1Affine commitment, G1Affine? high = null)
    {
        ArgumentNullException.ThrowIfNull(srsFingerprint);
        if (srsFingerprint.Length != 32) throw new ArgumentException($"an SRS fingerprint is 32 bytes, not {srsFingerprint.Length}", nameof(srsFingerprint));
        if (ShapeProblem(batch, PaddedBatchOf(batch), rowWidth, inputSize) is { } p) throw new ArgumentException(p);
        if (!commitment.IsOnCurve) throw new ArgumentException("C_X is not on the curve", nameof(commitment));
        bool split = IsSplitShape(PaddedBatchOf(batch), rowWidth);
        if (split != high.HasValue)
            throw new ArgumentException(split ? $"X′ of {PaddedBatchOf(batch)} × {rowWidth} entries is split: C_X's high half is missing"
                : $"X′ of {PaddedBatchOf(batch)} × {rowWidth} entries is not split: no high half", nameof(high));
        if (high is { } h && !h.IsOnCurve) throw new ArgumentException("C_X's high half is not on the curve", nameof(high));
        SrsFingerprint = (byte[])srsFingerprint.Clone();
        BatchSize = batch; RowWidth = rowWidth; InputSize = inputSize; Commitment = commitment; CommitmentHigh = high;
        _bytes = Serialize();
    }

    /// <summary>A version-2 file read back (one point, a shape that does not split): its bytes kept, so its digest is the file's.</summary>
    private InputCommitment(byte[] srsFingerprint, int batch, int rowWidth, int inputSize, G1Affine commitment, byte[] fileBytes)
        : this(srsFingerprint, batch, rowWidth, inputSize, commitment)
    {
        _bytes = fileBytes;
    }

    /// <summary>The version of version-2 files, still read for shapes that do not split (their layout is version 3's).</summary>
    internal const uint UnsplitVersion = 2;

    private readonly byte[] _bytes;

    /// <summary>SHA-256(H ‖ [τ]₂) of the SRS the commitment was made with (H as 64 bytes, [τ]₂ as 128, EVM encoding).</summary>
    public byte[] SrsFingerprint { get; }

    /// <summary>B: the real rows.</summary>
    public int BatchSize { get; }

    /// <summary>Bp: B rounded up to a power of two (the committed rows).</summary>
    public int PaddedBatch => PaddedBatchOf(BatchSize);

    /// <summary>2^{i_0}: the committed row width (layer 0's padded input width).</summary>
    public int RowWidth { get; }

    /// <summary>The real values per row.</summary>
    public int InputSize { get; }

    /// <summary>C_X (its low half's commitment when X′ is split).</summary>
    public G1Affine Commitment { get; }

    /// <summary>The high half's commitment when X′ is split (<see cref="IsSplitShape"/>), else null.</summary>
    public G1Affine? CommitmentHigh { get; }

    /// <summary>True when X′ is committed as two halves.</summary>
    public bool IsSplit => CommitmentHigh.HasValue;

    /// <summary>SHA-256 of the file's bytes (trailer included): what the matching <see cref="InputOpening"/> names.</summary>
    public byte[] FileDigest => SHA256.HashData(_bytes);

    /// <summary>C_X as "0x" ‖ x ‖ y (64 bytes; 128 for a split X′, low half then high half): the public words of a private-input statement.</summary>
    public string CommitmentHex => HexOf(Commitment, CommitmentHigh);

    /// <summary>"0x" ‖ C ‖ [C_hi] as the statement's words.</summary>
    internal static string HexOf(in G1Affine c, G1Affine? high)
        => "0x" + Convert.ToHexStringLower(EvmEncoding.EncodeG1(c)) + (high is { } h ? Convert.ToHexStringLower(EvmEncoding.EncodeG1(h)) : "");

    /// <summary>The fingerprint of <paramref name="srs"/>: SHA-256(H ‖ [τ]₂).</summary>
    /// <exception cref="ArgumentException">The SRS has no blinding base H.</exception>
    public static byte[] FingerprintOf(Srs srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (srs.BlindingBase is not { } h || h.IsInfinity)
            throw new ArgumentException($"the SRS has no blinding base H = alphaTauG1[0] ({srs}): an input commitment is hiding and needs one", nameof(srs));
        return FingerprintOf(h, srs.TauG2);
    }

    private static byte[] FingerprintOf(G1Affine h, G2Affine tauG2)
    {
        var b = new byte[64 + 128];
        EvmEncoding.EncodeG1(h, b);
        EvmEncoding.EncodeG2(tauG2, b.AsSpan(64));
        return SHA256.HashData(b);
    }

    /// <summary>
    /// Why this commitment cannot be the statement's C_X of a proof under <paramref name="vk"/>, naming the field, or null:
    /// the proof binds C_X only under the key's SRS (H, [τ]₂) and input shape, so a commitment file made under another SRS
    /// (or for another input width) says nothing about the proven inputs even when its point is the statement's.
    /// </summary>
    public string? MismatchFor(VerifyingKey vk)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (vk.BlindingBase is not { } h || h.IsInfinity) return "the verifying key has no blinding base H: it is not a zero-knowledge key";
        if (!FingerprintOf(h, vk.Kzg.TauG2).AsSpan().SequenceEqual(SrsFingerprint))
            return $"it was made under another SRS: its fingerprint SHA-256(H ‖ [τ]₂) {Convert.ToHexStringLower(SrsFingerprint)[..16]}… is not the verifying key's {Convert.ToHexStringLower(FingerprintOf(h, vk.Kzg.TauG2))[..16]}…";
        int rowWidth = 1 << vk.Layers[0].InVars;
        if (RowWidth != rowWidth || InputSize != vk.InputSize)
            return $"it holds rows of {InputSize} values in a width of {RowWidth}; the verifying key's input is {vk.InputSize} values in a width of {rowWidth}";
        return null;
    }

    internal static int PaddedBatchOf(int batch) => batch < 1 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch);

    /// <summary>What is wrong with a shape (B, Bp, rowWidth, inputSize), naming the field; null when it is valid.</summary>
    internal static string? ShapeProblem(long batch, long paddedBatch, long rowWidth, long inputSize)
    {
        if (batch < 1 || batch > MaxBatch) return $"B = {batch}, expected 1 … {MaxBatch}";
        long bp = PaddedBatchOf((int)batch);
        if (paddedBatch != bp) return $"Bp = {paddedBatch}, expected {bp} (B = {batch} rounded up to a power of two)";
        if (rowWidth < 1 || rowWidth > MaxRowWidth || (rowWidth & (rowWidth - 1)) != 0) return $"rowWidth = {rowWidth}, expected a power of two up to {MaxRowWidth}";
        if (inputSize < 1 || inputSize > rowWidth) return $"inputSize = {inputSize}, expected 1 … rowWidth ({rowWidth})";
        return null;
    }

    /// <summary>
    /// The file: magic "ZKMLXCM\0", u32 version 3, the SRS fingerprint (32), u32 B, u32 Bp, u32 rowWidth, u32 inputSize,
    /// C_X (64: x ‖ y big-endian), C_X's high half (64, only when Bp·rowWidth ≥ 2^18), SHA-256 of everything before it;
    /// integers little-endian.
    /// </summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    private byte[] Serialize()
    {
        var b = new byte[FileLength(PaddedBatch, RowWidth)];
        var s = b.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        SrsFingerprint.CopyTo(s[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[44..], (uint)BatchSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[48..], (uint)PaddedBatch);
        BinaryPrimitives.WriteUInt32LittleEndian(s[52..], (uint)RowWidth);
        BinaryPrimitives.WriteUInt32LittleEndian(s[56..], (uint)InputSize);
        EvmEncoding.EncodeG1(Commitment, s[60..]);
        if (CommitmentHigh is { } h) EvmEncoding.EncodeG1(h, s[124..]);
        SHA256.HashData(s[..^32], s[^32..]);
        return b;
    }

    /// <summary>Writes the file (temporary file + rename).</summary>
    public void Save(string path) => Algebra.IO.AtomicFile.WriteAllBytes(path, _bytes);

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InferenceFormatException">Missing, truncated, corrupt, another version or a malformed field (named).</exception>
    public static InputCommitment Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes <see cref="ToBytes"/> output; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InferenceFormatException">See <see cref="Load"/>.</exception>
    public static InputCommitment FromBytes(ReadOnlySpan<byte> s, string source = "input.commit")
    {
        // Version 2 (before split inputs) is version 3 for every shape that does not split: read as such, its bytes kept
        // (the matching opening names their digest); a version-2 file of a split shape is refused below.
        bool v2 = s.Length >= 12 && s[..8].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt32LittleEndian(s[8..]) == UnsplitVersion;
        if (!v2) SecretFileHeader.Check(s, Magic, Version, "input commitment", source, OlderNote);
        if (s.Length != ByteLength && s.Length != ByteLength + 64) throw new InferenceFormatException(source, $"corrupt or truncated: {s.Length} bytes, an input commitment has {ByteLength} ({ByteLength + 64} for a split X′)");
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..^32], d);
        if (!d.SequenceEqual(s[^32..])) throw new InferenceFormatException(source, "corrupt: SHA-256 digest does not match the contents");
        uint b = BinaryPrimitives.ReadUInt32LittleEndian(s[44..]), bp = BinaryPrimitives.ReadUInt32LittleEndian(s[48..]);
        uint w = BinaryPrimitives.ReadUInt32LittleEndian(s[52..]), n = BinaryPrimitives.ReadUInt32LittleEndian(s[56..]);
        if (ShapeProblem(b, bp, w, n) is { } p) throw new InferenceFormatException(source, p);
        int expected = FileLength((int)bp, (int)w);
        if (v2 && expected != ByteLength)
            throw new InferenceFormatException(source, $"input commitment version 2 of Bp = {bp} rows of rowWidth = {w}: one point over an X′ that version 3 commits as two halves (made by zkml before split inputs); re-run zkml commit-input");
        if (s.Length != expected)
            throw new InferenceFormatException(source, $"{s.Length} bytes; Bp = {bp} rows of rowWidth = {w} {(expected > ByteLength ? "split X′ into two halves: C_X is two points" : "commit X′ as one point")}, {expected} bytes");
        if (!EvmEncoding.TryDecodeG1(s.Slice(60, 64), out var c, out var e)) throw new InferenceFormatException(source, "C_X: " + e);
        G1Affine? high = null;
        if (expected > ByteLength)
        {
            if (!EvmEncoding.TryDecodeG1(s.Slice(124, 64), out var ch, out e)) throw new InferenceFormatException(source, "C_X's high half: " + e);
            high = ch;
        }
        if (v2) return new InputCommitment(s.Slice(12, 32).ToArray(), (int)b, (int)w, (int)n, c, s.ToArray());
        return new InputCommitment(s.Slice(12, 32).ToArray(), (int)b, (int)w, (int)n, c, high);
    }

    /// <summary>
    /// Commits a batch of quantized input rows (each <paramref name="inputSize"/> values) with a fresh blinding from the OS
    /// CSPRNG; returns the commitment and its opening (secret).
    /// </summary>
    /// <param name="srs">The SRS with its blinding base H, at least Bp·rowWidth powers.</param>
    /// <param name="rowWidth">2^{i_0}, layer 0's padded input width (a power of two ≥ inputSize).</param>
    /// <param name="inputSize">The real values per row.</param>
    /// <param name="xBytes">Bytes per value in the opening (signed; the key's <see cref="VerifyingKey.XBytes"/>).</param>
    /// <param name="rows">B rows.</param>
    /// <exception cref="ArgumentException">No rows, a row of another length, a value that does not fit xBytes, a bad shape, or an SRS too small or without H.</exception>
    public static (InputCommitment Commitment, InputOpening Opening) Commit(Srs srs, int rowWidth, int inputSize, int xBytes, IReadOnlyList<long[]> rows)
        => Commit(srs, rowWidth, inputSize, xBytes, rows, null);

    /// <summary>As the public overload with the blinding drawn from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static (InputCommitment Commitment, InputOpening Opening) Commit(Srs srs, int rowWidth, int inputSize, int xBytes, IReadOnlyList<long[]> rows, RandomNumberGenerator? rng)
    {
        var (commitment, opening, sums) = CommitWithSums(srs, rowWidth, inputSize, xBytes, rows, rng);
        foreach (var sh in sums) sh?.Clear();
        return (commitment, opening);
    }

    private static (InputCommitment Commitment, InputOpening Opening) Make(byte[] fingerprint, IReadOnlyList<long[]> rows, int rowWidth,
        int inputSize, int xBytes, HidingCommitment[] hc)
    {
        var commitment = new InputCommitment(fingerprint, rows.Count, rowWidth, inputSize, hc[0].Commitment, hc.Length > 1 ? hc[1].Commitment : null);
        var opening = new InputOpening(commitment.FileDigest, rows.Count, inputSize, xBytes, rows.SelectMany(r => r).ToArray(), hc[0].Blinding,
            hc.Length > 1 ? hc[1].Blinding : null);
        return (commitment, opening);
    }

    /// <summary>
    /// The input commitment and its opening (<see cref="Commit(Srs, int, int, int, IReadOnlyList{long[]}, RandomNumberGenerator?)"/>
    /// returns these two), and X′'s points summed per value (<see cref="InputValueSums"/>) for the prover of a fresh commitment:
    /// C_X = Σ_v v·S_v + s_X·H, the point <see cref="HyperKzg.CommitSmallHiding(Srs, ReadOnlySpan{long})"/> of X′ gives, with the
    /// blinding drawn the same way; W3 reuses the sums (the caller clears them). A split X′ has one commitment, blinding and sums
    /// per half (each half's points from τ^0: the half re-based at 0). A half's sums are null, and its C_X made by the small-value
    /// MSM, when it has too many distinct values for the sums to pay.
    /// </summary>
    internal static (InputCommitment Commitment, InputOpening Opening, InputValueSums?[] Sums) CommitWithSums(Srs srs, int rowWidth,
        int inputSize, int xBytes, IReadOnlyList<long[]> rows, RandomNumberGenerator? rng)
    {
        ArgumentNullException.ThrowIfNull(srs);
        ArgumentNullException.ThrowIfNull(rows);
        if (ShapeProblem(rows.Count, PaddedBatchOf(rows.Count), rowWidth, inputSize) is { } p) throw new ArgumentException(p);
        InputOpening.CheckValues(rows, inputSize, xBytes);
        var fingerprint = FingerprintOf(srs);
        var x = Layout(rows, rowWidth, inputSize);
        try
        {
            // (a split X′'s halves are each committed from τ^0: half the powers)
            int need = IsSplitShape(PaddedBatchOf(rows.Count), rowWidth) ? x.Length / 2 : x.Length;
            if (need > srs.G1Powers.Length)
                throw new ArgumentException($"the SRS has {srs.G1Powers.Length} powers; the input matrix needs {need} ({PaddedBatchOf(rows.Count)} rows of {rowWidth}{(need < x.Length ? ", committed as two halves" : "")})", nameof(srs));
            using var secretScalars = Msm.SecretScalars();
            int halves = IsSplitShape(PaddedBatchOf(rows.Count), rowWidth) ? 2 : 1, len = x.Length / halves;
            var sums = new InputValueSums?[halves];
            var hc = new HidingCommitment[halves];
            try
            {
                for (int h = 0; h < halves; h++)
                {
                    var part = x.AsSpan(h * len, len);
                    sums[h] = InputValueSums.Compute(srs, part);
                    if (sums[h] is not { } sh) hc[h] = HyperKzg.CommitSmallHiding(srs, part, rng);
                    else
                    {
                        var values = Array.ConvertAll(sh.Values, Fr.FromInt64);
                        try { hc[h] = HyperKzg.BlindFresh(srs, sh.Combine(values).ToAffine(), rng); }
                        finally { Array.Clear(values); }
                    }
                }
                var (commitment, opening) = Make(fingerprint, rows, rowWidth, inputSize, xBytes, hc);
                return (commitment, opening, sums);
            }
            catch
            {
                foreach (var sh in sums) sh?.Clear(); // (e.g. an SRS without a blinding base)
                throw;
            }
            finally { Array.Clear(hc); }
        }
        finally { Array.Clear(x); }
    }

    /// <summary>
    /// X′ (docs/protocol.md "ZK mode: the column-major private input"): the Bp × <paramref name="rowWidth"/> matrix of the rows,
    /// then copies of row 0 up to Bp rows, zeros in the columns ≥ inputSize, column by column: entry col·Bp + row.
    /// </summary>
    internal static long[] Layout(IReadOnlyList<long[]> rows, int rowWidth, int inputSize)
    {
        int bp = PaddedBatchOf(rows.Count);
        var x = new long[(long)bp * rowWidth];
        for (int r = 0; r < bp; r++)
        {
            var row = rows[r < rows.Count ? r : 0];
            for (int c = 0; c < inputSize; c++) x[(long)c * bp + r] = row[c];
        }
        return x;
    }

    /// <summary>
    /// The column-major X′ of a row-major Bp × <paramref name="rowWidth"/> input (a witness's X: entry row·rowWidth + col) —
    /// the transpose, entry col·Bp + row.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a multiple of rowWidth.</exception>
    internal static long[] ColumnMajor(long[] rowMajor, int rowWidth)
    {
        if (rowWidth < 1 || rowMajor.Length % rowWidth != 0) throw new ArgumentException($"{rowMajor.Length} input entries are not rows of {rowWidth}", nameof(rowMajor));
        int bp = rowMajor.Length / rowWidth;
        var x = new long[rowMajor.Length];
        for (int r = 0; r < bp; r++)
            for (int c = 0; c < rowWidth; c++) x[(long)c * bp + r] = rowMajor[(long)r * rowWidth + c];
        return x;
    }

    /// <summary>
    /// Checks that <paramref name="opening"/> opens this commitment on <paramref name="srs"/>: the opening names this file,
    /// B and inputSize agree, the SRS is the commitment's (fingerprint), and [X′(τ)]₁ + s_X·H recomputed from the opened
    /// values equals C_X. Never throws on mismatching inputs.
    /// </summary>
    public InputOpeningResult Check(InputOpening opening, Srs srs)
    {
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(srs);
        if (!opening.CommitmentDigest.AsSpan().SequenceEqual(FileDigest))
            return InputOpeningResult.Fail($"the opening belongs to another input commitment (its commitment digest {Convert.ToHexStringLower(opening.CommitmentDigest)[..16]}… is not this file's {Convert.ToHexStringLower(FileDigest)[..16]}…)");
        if (opening.BatchSize != BatchSize) return InputOpeningResult.Fail($"the opening has B = {opening.BatchSize} rows, the commitment B = {BatchSize}");
        if (opening.InputSize != InputSize) return InputOpeningResult.Fail($"the opening has inputSize = {opening.InputSize}, the commitment {InputSize}");
        if (srs.BlindingBase is null) return InputOpeningResult.Fail("the SRS has no blinding base H: it is not the commitment's");
        if (!FingerprintOf(srs).AsSpan().SequenceEqual(SrsFingerprint))
            return InputOpeningResult.Fail($"the SRS is not the commitment's: its fingerprint SHA-256(H ‖ [τ]₂) {Convert.ToHexStringLower(FingerprintOf(srs))[..16]}… differs from the commitment's {Convert.ToHexStringLower(SrsFingerprint)[..16]}…");
        long need = (long)PaddedBatch * RowWidth / (IsSplit ? 2 : 1); // (each half from τ^0)
        if (need > srs.G1Powers.Length) return InputOpeningResult.Fail($"the SRS has {srs.G1Powers.Length} powers; recomputing C_X needs {need}");
        if (opening.BlindingHigh.HasValue != IsSplit)
            return InputOpeningResult.Fail(IsSplit ? "the opening has one blinding; this commitment splits X′ into two halves, each with its own" : "the opening has two blindings; this commitment is one point");
        var x = Layout(opening.Rows(), RowWidth, InputSize);
        try
        {
            int halves = IsSplit ? 2 : 1, len = x.Length / halves;
            for (int h = 0; h < halves; h++)
            {
                var s = h == 0 ? opening.Blinding : opening.BlindingHigh!.Value;
                var recomputed = (G1Jacobian.FromAffine(srs.BlindingBase.Value).ScalarMul(s) + HyperKzg.CommitSmall(srs, x.AsSpan(h * len, len))).ToAffine();
                if (recomputed != (h == 0 ? Commitment : CommitmentHigh!.Value))
                    return InputOpeningResult.Fail($"C_X{(IsSplit ? h == 0 ? " (its low half)" : " (its high half)" : "")} does not open: the commitment of the opened values with the opening's blinding differs from the file's (other values, another blinding, or a commitment made under another SRS)");
            }
        }
        finally { Array.Clear(x); }
        return InputOpeningResult.Valid;
    }

    /// <summary>The shape and C_X (both public).</summary>
    public override string ToString() => $"InputCommitment {{ B = {BatchSize}, Bp = {PaddedBatch}, RowWidth = {RowWidth}, InputSize = {InputSize}, C_X = {CommitmentHex} }}";
}

/// <summary>The verdict of <see cref="InputCommitment.Check"/> / <see cref="InputOpening.Holds"/>.</summary>
/// <param name="IsValid">The check passed.</param>
/// <param name="Reason">Why not, or null.</param>
public sealed record InputOpeningResult(bool IsValid, string? Reason)
{
    internal static readonly InputOpeningResult Valid = new(true, null);

    internal static InputOpeningResult Fail(string reason) => new(false, reason);
}

/// <summary>
/// <c>input.opening</c> (secret): the values and the blinding s_X that open an <see cref="InputCommitment"/>. Whoever holds it
/// can reveal the committed inputs (and prove that they are the committed ones); it is never written into a proof or a log.
/// </summary>
public sealed class InputOpening
{
    private static ReadOnlySpan<byte> Magic => "ZKMLXOP\0"u8;

    /// <summary>The format version written by <see cref="ToBytes"/> (3: it opens a version-3 <see cref="InputCommitment"/>, one blinding per committed half).</summary>
    public const uint Version = 3;

    private readonly long[] _values;

    /// <summary>
    /// An opening of B × inputSize values with blinding s_X (and s_X,hi for a split X′'s high half) for the commitment file with
    /// SHA-256 <paramref name="commitmentDigest"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed field.</exception>
    public InputOpening(byte[] commitmentDigest, int batch, int inputSize, int xBytes, long[] values, Fr blinding, Fr? blindingHigh = null)
    {
        ArgumentNullException.ThrowIfNull(commitmentDigest);
        ArgumentNullException.ThrowIfNull(values);
        if (commitmentDigest.Length != 32) throw new ArgumentException($"a commitment digest is 32 bytes, not {commitmentDigest.Length}", nameof(commitmentDigest));
        if (batch < 1 || batch > InputCommitment.MaxBatch) throw new ArgumentException($"B = {batch}, expected 1 … {InputCommitment.MaxBatch}", nameof(batch));
        if (inputSize < 1 || inputSize > InputCommitment.MaxRowWidth) throw new ArgumentException($"inputSize = {inputSize}, expected 1 … {InputCommitment.MaxRowWidth}", nameof(inputSize));
        if (values.LongLength != (long)batch * inputSize) throw new ArgumentException($"{values.LongLength} values for {batch} rows of {inputSize}", nameof(values));
        if (xBytes is not (1 or 2 or 4 or 8)) throw new ArgumentException($"xBytes = {xBytes}, expected 1, 2, 4 or 8", nameof(xBytes));
        CommitmentDigest = (byte[])commitmentDigest.Clone();
        BatchSize = batch; InputSize = inputSize; XBytes = xBytes; _values = (long[])values.Clone(); Blinding = blinding; BlindingHigh = blindingHigh;
        CheckValues(Rows(), inputSize, xBytes);
    }

    /// <summary>SHA-256 of the input.commit file this opens (<see cref="InputCommitment.FileDigest"/>).</summary>
    public byte[] CommitmentDigest { get; }

    /// <summary>B.</summary>
    public int BatchSize { get; }

    /// <summary>Values per row.</summary>
    public int InputSize { get; }

    /// <summary>Bytes per value in the file (signed, big-endian).</summary>
    public int XBytes { get; }

    /// <summary>The B × inputSize quantized values, row-major (secret).</summary>
    public ReadOnlySpan<long> Values => _values;

    /// <summary>s_X (secret): the blinding of C_X, or of its low half when X′ is split.</summary>
    public Fr Blinding { get; }

    /// <summary>The blinding of a split X′'s high half (secret), else null.</summary>
    public Fr? BlindingHigh { get; }

    /// <summary>The rows as arrays.</summary>
    public long[][] Rows() => Enumerable.Range(0, BatchSize).Select(r => _values.AsSpan(r * InputSize, InputSize).ToArray()).ToArray();

    /// <summary>The shape only: values and blinding never appear in a message or log.</summary>
    public override string ToString() => $"InputOpening {{ B = {BatchSize}, InputSize = {InputSize}, XBytes = {XBytes} }}";

    /// <summary>Row lengths and that every value fits <paramref name="xBytes"/> signed bytes.</summary>
    /// <exception cref="ArgumentException">Naming the row and column.</exception>
    internal static void CheckValues(IReadOnlyList<long[]> rows, int inputSize, int xBytes)
    {
        if (xBytes is not (1 or 2 or 4 or 8)) throw new ArgumentException($"xBytes = {xBytes}, expected 1, 2, 4 or 8", nameof(xBytes));
        long max = xBytes == 8 ? long.MaxValue : (1L << (8 * xBytes - 1)) - 1, min = xBytes == 8 ? long.MinValue : -max - 1;
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != inputSize) throw new ArgumentException($"row {r} has {rows[r].Length} values, expected {inputSize}", nameof(rows));
            for (int c = 0; c < inputSize; c++)
                if (rows[r][c] < min || rows[r][c] > max) throw new ArgumentException($"value {rows[r][c]} (row {r}, column {c}) does not fit {xBytes} signed byte(s)", nameof(rows));
        }
    }

    /// <summary>
    /// True when the opening holds exactly <paramref name="rows"/> (the quantized inputs someone claims were committed):
    /// the same number of rows, each equal; the reason names the first row and column that differ.
    /// </summary>
    public InputOpeningResult Holds(IReadOnlyList<long[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count != BatchSize) return InputOpeningResult.Fail($"the inputs have {rows.Count} row(s), the opening B = {BatchSize}");
        for (int r = 0; r < rows.Count; r++)
        {
            if (rows[r].Length != InputSize) return InputOpeningResult.Fail($"input row {r} has {rows[r].Length} values, the opening {InputSize}");
            for (int c = 0; c < InputSize; c++)
                if (rows[r][c] != _values[r * InputSize + c])
                    return InputOpeningResult.Fail($"the opening does not hold these inputs: row {r}, column {c} differs (first difference)");
        }
        return InputOpeningResult.Valid;
    }

    /// <summary>
    /// The file: magic "ZKMLXOP\0", u32 version 3, SHA-256 of the matching input.commit (32), u32 B, u32 inputSize, u32 xBytes,
    /// u32 halves (1, or 2 for a split X′), the B × inputSize values (signed big-endian, xBytes each, row-major), s_X (32,
    /// big-endian, &lt; r) and for a split X′ s_X,hi (32), SHA-256 of everything before it; integers little-endian.
    /// </summary>
    public byte[] ToBytes()
    {
        int halves = BlindingHigh.HasValue ? 2 : 1;
        long len = 12 + 32 + 16 + (long)_values.Length * XBytes + 32 * halves + 32;
        var b = new byte[len];
        var s = b.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        CommitmentDigest.CopyTo(s[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[44..], (uint)BatchSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[48..], (uint)InputSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[52..], (uint)XBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(s[56..], (uint)halves);
        int o = 60;
        foreach (long v in _values)
        {
            long u = v;
            for (int i = XBytes - 1; i >= 0; i--) { s[o + i] = (byte)u; u >>= 8; }
            o += XBytes;
        }
        Blinding.WriteBigEndian(s.Slice(o, 32));
        if (BlindingHigh is { } bh) bh.WriteBigEndian(s.Slice(o + 32, 32));
        SHA256.HashData(s[..^32], s[^32..]);
        return b;
    }

    /// <summary>Writes the file (temporary file + rename; secret: mode 0600 on Unix).</summary>
    public void Save(string path) => Algebra.IO.AtomicFile.WriteSecret(path, ToBytes());

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InferenceFormatException">Missing, truncated, corrupt, another version or a malformed field (named).</exception>
    public static InputOpening Load(string path)
    {
        if (!File.Exists(path)) throw new InferenceFormatException(path, "file not found");
        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes <see cref="ToBytes"/> output; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InferenceFormatException">See <see cref="Load"/>.</exception>
    public static InputOpening FromBytes(ReadOnlySpan<byte> s, string source = "input.opening")
    {
        // version 2 (one blinding, no halves word): the opening of a version-2 commitment of a shape that does not split
        bool v2 = s.Length >= 12 && s[..8].SequenceEqual(Magic) && BinaryPrimitives.ReadUInt32LittleEndian(s[8..]) == InputCommitment.UnsplitVersion;
        if (!v2) SecretFileHeader.Check(s, Magic, Version, "input opening", source, InputCommitment.OlderNote);
        int head = v2 ? 56 : 60;
        if (s.Length < head + 64) throw new InferenceFormatException(source, $"truncated: {s.Length} bytes");
        Span<byte> d = stackalloc byte[32];
        SHA256.HashData(s[..^32], d);
        if (!d.SequenceEqual(s[^32..])) throw new InferenceFormatException(source, "corrupt or truncated: SHA-256 digest does not match the contents");
        uint b = BinaryPrimitives.ReadUInt32LittleEndian(s[44..]), n = BinaryPrimitives.ReadUInt32LittleEndian(s[48..]), xb = BinaryPrimitives.ReadUInt32LittleEndian(s[52..]);
        if (b < 1 || b > InputCommitment.MaxBatch) throw new InferenceFormatException(source, $"B = {b}, expected 1 … {InputCommitment.MaxBatch}");
        if (n < 1 || n > InputCommitment.MaxRowWidth) throw new InferenceFormatException(source, $"inputSize = {n}, expected 1 … {InputCommitment.MaxRowWidth}");
        if (xb is not (1 or 2 or 4 or 8)) throw new InferenceFormatException(source, $"xBytes = {xb}, expected 1, 2, 4 or 8");
        uint halves = v2 ? 1 : BinaryPrimitives.ReadUInt32LittleEndian(s[56..]);
        if (halves is not (1 or 2)) throw new InferenceFormatException(source, $"halves = {halves}, expected 1 (one C_X) or 2 (a split X′)");
        long expected = head + (long)b * n * xb + 32 * halves + 32;
        if (s.Length != expected) throw new InferenceFormatException(source, $"{s.Length} bytes for B = {b} rows of inputSize = {n} values of xBytes = {xb} and {halves} blinding(s) (expected {expected})");
        var values = new long[(long)b * n];
        int o = head;
        for (long i = 0; i < values.LongLength; i++, o += (int)xb)
        {
            long v = (sbyte)s[o];
            for (int k = 1; k < xb; k++) v = (v << 8) | s[o + k];
            values[i] = v;
        }
        if (!Fr.TryFromBytesBigEndian(s.Slice(o, 32), out var blinding)) throw new InferenceFormatException(source, "s_X (the blinding) is not below the scalar field modulus r");
        Fr? high = null;
        if (halves == 2)
        {
            if (!Fr.TryFromBytesBigEndian(s.Slice(o + 32, 32), out var bh)) throw new InferenceFormatException(source, "s_X,hi (the high half's blinding) is not below the scalar field modulus r");
            high = bh;
        }
        return new InputOpening(s.Slice(12, 32).ToArray(), (int)b, (int)n, (int)xb, values, blinding, high);
    }
}
