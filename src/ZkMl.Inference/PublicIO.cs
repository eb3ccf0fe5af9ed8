using System.Buffers.Binary;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;

namespace ZkMl.Inference;

/// <summary>
/// The public statement of an inference proof: the batch size B, the B real input rows X and all
/// padded output rows Y (integer logits, or the proven final activation's values), packed into 32-byte words exactly as docs/protocol.md
/// "Public input / output" says (the Solidity verifier's <c>uint256[] publicInputs</c>). For a zero-knowledge key with
/// private inputs the statement is B, the input commitment C_X (two words: x, y; four when X′ is split, low half then high half)
/// and the B real output rows: no input word.
/// </summary>
public sealed class PublicIO
{
    private PublicIO(int batch, int inputSize, int outputSize, int outputColumns, long[] x, long[] y, byte[] words, G1Affine? commitment = null,
        G1Affine? high = null)
    {
        BatchSize = batch; InputSize = inputSize; OutputSize = outputSize; OutputColumns = outputColumns; _x = x; _y = y; _words = words;
        InputCommitment = commitment;
        InputCommitmentHigh = high;
    }

    /// <summary>
    /// The input commitment C_X of a private-input statement (docs/zk-design.md §6), else null; for a split X′ (docs/protocol.md
    /// "ZK mode: split opening vectors") the commitment to its low half.
    /// </summary>
    public G1Affine? InputCommitment { get; }

    /// <summary>The commitment to X′'s high half when the statement's X′ is split (<see cref="ZkShape.SplitsInput"/>), else null.</summary>
    public G1Affine? InputCommitmentHigh { get; }

    /// <summary>C_X as "0x" ‖ x ‖ y (and the high half's x ‖ y when X′ is split), as <see cref="ZkMl.Inference.InputCommitment.CommitmentHex"/>; null for public inputs.</summary>
    public string? InputCommitmentHex => InputCommitment is { } c ? ZkMl.Inference.InputCommitment.HexOf(c, InputCommitmentHigh) : null;

    /// <summary>True when the statement holds C_X instead of the inputs.</summary>
    public bool IsPrivate => InputCommitment.HasValue;

    private readonly long[] _x;
    private readonly long[] _y;
    private readonly byte[] _words;

    /// <summary>Real rows B.</summary>
    public int BatchSize { get; }

    /// <summary>B rounded up to a power of two.</summary>
    public int PaddedBatch => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)BatchSize);

    /// <summary>Values per input row.</summary>
    public int InputSize { get; }

    /// <summary>Real values per output row.</summary>
    public int OutputSize { get; }

    /// <summary>Values per output row in the statement (<see cref="VerifyingKey.OutputColumns"/>): OutputSize, or the padded width with a proven final activation.</summary>
    public int OutputColumns { get; }

    /// <summary>Inputs, B × InputSize row-major (empty in a private-input statement).</summary>
    public ReadOnlySpan<long> Inputs => _x;

    /// <summary>Outputs as stated (logits, or the proven final activation's values), PaddedBatch × OutputColumns row-major (padded rows included; in zero-knowledge mode the padded rows, not in the words, are copies of row 0).</summary>
    public ReadOnlySpan<long> Outputs => _y;

    /// <summary>Input row b.</summary>
    /// <exception cref="InvalidOperationException">A private-input statement: it holds the commitment C_X, no input.</exception>
    public ReadOnlySpan<long> InputRow(int b)
        => IsPrivate ? throw new InvalidOperationException("a private-input statement holds the commitment C_X, not the inputs") : _x.AsSpan(b * InputSize, InputSize);

    /// <summary>The OutputSize real outputs of row b.</summary>
    public ReadOnlySpan<long> OutputRow(int b) => _y.AsSpan(b * OutputColumns, OutputSize);

    /// <summary>All OutputColumns stated outputs of row b.</summary>
    internal ReadOnlySpan<long> StatedRow(int b) => _y.AsSpan(b * OutputColumns, OutputColumns);

    /// <summary>The packed words (32 bytes each, big-endian uint256 values).</summary>
    public ReadOnlySpan<byte> Words => _words;

    /// <summary>Number of 32-byte words.</summary>
    public int WordCount => _words.Length / 32;

    /// <summary>Packs a statement for <paramref name="vk"/>.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, batch too large, or a value that does not fit.</exception>
    public static PublicIO Create(VerifyingKey vk, int batch, ReadOnlySpan<long> x, ReadOnlySpan<long> y)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (IsPrivateKey(vk)) throw new ArgumentException("a private-input key states the input commitment C_X, not the inputs (PublicIO.CreatePrivate)", nameof(vk));
        if (batch < 1) throw new ArgumentException("the batch is empty", nameof(batch));
        int bp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch);
        if (bp > vk.MaxBatch) throw new ArgumentException($"batch of {batch} needs {bp} padded rows; the key supports at most {vk.MaxBatch}", nameof(batch));
        if (x.Length != (long)batch * vk.InputSize) throw new ArgumentException($"{x.Length} input values for {batch} rows of {vk.InputSize}", nameof(x));
        int yRows = StatedRows(vk, batch);
        if (y.Length != (long)yRows * vk.OutputColumns) throw new ArgumentException($"{y.Length} output values for {yRows} rows of {vk.OutputColumns}", nameof(y));
        long bound = vk.InputBound;
        for (int i = 0; i < x.Length; i++)
            if (Math.Abs(x[i]) > bound) throw new ArgumentException($"input value {x[i]} (row {i / vk.InputSize}, index {i % vk.InputSize}) is outside ±{bound}", nameof(x));
        CheckOutputs(vk, y);
        int len = ByteLength(vk, batch);
        var words = new byte[len];
        BinaryPrimitives.WriteUInt32BigEndian(words.AsSpan(28), (uint)batch);
        int o = 32;
        foreach (long v in x) { Put(words, o, vk.XBytes, v); o += vk.XBytes; }
        foreach (long v in y) { Put(words, o, vk.YBytes, v); o += vk.YBytes; }
        return new PublicIO(batch, vk.InputSize, vk.OutputSize, vk.OutputColumns, x.ToArray(), Expand(vk, y.ToArray(), yRows, bp), words);
    }

    /// <summary>
    /// Packs a private-input statement B ‖ C_X ‖ [C_X,hi] ‖ Y for <paramref name="vk"/> (docs/protocol.md "ZK mode: private inputs";
    /// <paramref name="high"/>: the high half's commitment, exactly when X′ is split, "ZK mode: split opening vectors").
    /// </summary>
    /// <exception cref="ArgumentException">Not a private-input key, wrong lengths, batch too large, C_X not on the curve, a high half given or missing, or an output that does not fit.</exception>
    public static PublicIO CreatePrivate(VerifyingKey vk, int batch, in G1Affine commitment, ReadOnlySpan<long> y, G1Affine? high = null)
    {
        ArgumentNullException.ThrowIfNull(vk);
        if (!IsPrivateKey(vk)) throw new ArgumentException("not a private-input key: its statement holds the inputs (PublicIO.Create)", nameof(vk));
        if (batch < 1) throw new ArgumentException("the batch is empty", nameof(batch));
        int bp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch);
        if (bp > vk.MaxBatch) throw new ArgumentException($"batch of {batch} needs {bp} padded rows; the key supports at most {vk.MaxBatch}", nameof(batch));
        if (!commitment.IsOnCurve) throw new ArgumentException("C_X is not on the curve", nameof(commitment));
        bool split = SplitsInput(vk, bp);
        if (split != high.HasValue)
            throw new ArgumentException(split ? $"a batch of {bp} padded rows splits X′ ({bp} × {1 << vk.Layers[0].InVars} entries): C_X is two points, the high half's is missing"
                : $"a batch of {bp} padded rows does not split X′: C_X is one point", nameof(high));
        if (high is { } hi && !hi.IsOnCurve) throw new ArgumentException("C_X's high half is not on the curve", nameof(high));
        if (y.Length != (long)batch * vk.OutputColumns) throw new ArgumentException($"{y.Length} output values for {batch} rows of {vk.OutputColumns}", nameof(y));
        CheckOutputs(vk, y);
        var words = new byte[ByteLength(vk, batch)];
        BinaryPrimitives.WriteUInt32BigEndian(words.AsSpan(28), (uint)batch);
        EvmEncoding.EncodeG1(commitment, words.AsSpan(32, 64));
        int o = 96;
        if (high is { } h) { EvmEncoding.EncodeG1(h, words.AsSpan(96, 64)); o = 160; }
        foreach (long v in y) { Put(words, o, vk.YBytes, v); o += vk.YBytes; }
        return new PublicIO(batch, vk.InputSize, vk.OutputSize, vk.OutputColumns, [], Expand(vk, y.ToArray(), batch, bp), words, commitment, high);
    }

    private static bool IsPrivateKey(VerifyingKey vk) => vk.IsZk && vk.Zk.Inputs == InputVisibility.Private;

    /// <summary>A private-input statement of Bp rows whose X′ is split (C_X as two points).</summary>
    private static bool SplitsInput(VerifyingKey vk, int bp) => IsPrivateKey(vk) && ZkMl.Inference.InputCommitment.IsSplitShape(bp, 1 << vk.Layers[0].InVars);

    private static void CheckOutputs(VerifyingKey vk, ReadOnlySpan<long> y)
    {
        long ymax = vk.YBytes == 8 ? long.MaxValue : (1L << (8 * vk.YBytes - 1)) - 1;
        for (int i = 0; i < y.Length; i++)
            if (y[i] > ymax || y[i] < -ymax - 1) throw new ArgumentException($"output value {y[i]} does not fit {vk.YBytes} bytes", nameof(y));
    }

    /// <summary>
    /// Output rows in the statement: all padded rows in the default mode; the B real rows in zero-knowledge mode, where a
    /// padded row is a copy of row 0 (its outputs repeat row 0's; docs/zk-design.md §2) and is not stated.
    /// </summary>
    public static int StatedRows(VerifyingKey vk, int batch)
        => vk.IsZk ? batch : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)batch);

    /// <summary>The outputs over all padded rows: in ZK mode rows B … Bp − 1 are copies of row 0.</summary>
    private static long[] Expand(VerifyingKey vk, long[] y, int rows, int bp)
    {
        if (rows == bp) return y;
        int c = vk.OutputColumns;
        var r = new long[(long)bp * c];
        y.CopyTo(r, 0);
        for (int row = rows; row < bp; row++) Array.Copy(y, 0, r, (long)row * c, c);
        return r;
    }

    /// <summary>Decodes packed words for <paramref name="vk"/>, rejecting anything but the exact encoding; never throws.</summary>
    public static bool TryDecode(VerifyingKey vk, ReadOnlySpan<byte> words, out PublicIO? io, out string? reason)
    {
        io = null;
        if (words.Length < 32 || words.Length % 32 != 0) { reason = $"public inputs: {words.Length} bytes is not a positive number of 32-byte words"; return false; }
        for (int i = 0; i < 28; i++)
            if (words[i] != 0) { reason = "public inputs: batch size word too large"; return false; }
        uint batch = BinaryPrimitives.ReadUInt32BigEndian(words[28..]);
        if (batch == 0 || batch > vk.MaxBatch) { reason = $"public inputs: batch size {batch} (the key supports 1…{vk.MaxBatch})"; return false; }
        int bp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2(batch);
        int len = ByteLength(vk, (int)batch);
        if (words.Length != len) { reason = $"public inputs: {words.Length} bytes; a batch of {batch} needs exactly {len}"; return false; }
        bool priv = IsPrivateKey(vk);
        var x = new long[priv ? 0 : batch * (long)vk.InputSize];
        int yRows = StatedRows(vk, (int)batch);
        var y = new long[yRows * (long)vk.OutputColumns];
        int o = 32;
        G1Affine? commitment = null, high = null;
        if (priv)
        {
            if (!EvmEncoding.TryDecodeG1(words.Slice(32, 64), out var cx, out var e)) { reason = "public inputs: the input commitment C_X: " + e; return false; }
            commitment = cx;
            o = 96;
            if (SplitsInput(vk, bp))
            {
                if (!EvmEncoding.TryDecodeG1(words.Slice(96, 64), out var ch, out e)) { reason = "public inputs: the input commitment C_X's high half: " + e; return false; }
                high = ch;
                o = 160;
            }
        }
        long bound = vk.InputBound;
        for (int i = 0; i < x.Length; i++, o += vk.XBytes)
        {
            x[i] = Get(words, o, vk.XBytes);
            if (Math.Abs(x[i]) > bound) { reason = $"public inputs: input value {x[i]} (row {i / vk.InputSize}, column {i % vk.InputSize}) is outside ±{bound}"; return false; }
        }
        for (int i = 0; i < y.Length; i++, o += vk.YBytes) y[i] = Get(words, o, vk.YBytes);
        for (; o < words.Length; o++)
            if (words[o] != 0) { reason = "public inputs: non-zero padding bytes"; return false; }
        io = new PublicIO((int)batch, vk.InputSize, vk.OutputSize, vk.OutputColumns, x, Expand(vk, y, yRows, bp), words.ToArray(), commitment, high);
        reason = null;
        return true;
    }

    /// <summary>The exact packed length in bytes for a batch of <paramref name="batch"/> rows.</summary>
    public static int ByteLength(VerifyingKey vk, int batch)
    {
        // C_X (two words) in a private-input statement, else the inputs packed with the outputs
        long inputs = IsPrivateKey(vk) ? 0 : (long)batch * vk.InputSize * vk.XBytes;
        long body = inputs + (long)StatedRows(vk, batch) * vk.OutputColumns * vk.YBytes;
        int bp = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(batch, 1));
        return checked((int)(32 + (IsPrivateKey(vk) ? SplitsInput(vk, bp) ? 128 : 64 : 0) + (body + 31) / 32 * 32));
    }

    private static void Put(byte[] dst, int o, int width, long v)
    {
        for (int i = width - 1; i >= 0; i--) { dst[o + i] = (byte)v; v >>= 8; }
    }

    private static long Get(ReadOnlySpan<byte> src, int o, int width)
    {
        long v = (sbyte)src[o];
        for (int i = 1; i < width; i++) v = (v << 8) | src[o + i];
        return v;
    }
}
