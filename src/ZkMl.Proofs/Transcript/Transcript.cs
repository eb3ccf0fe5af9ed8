using System.Buffers.Binary;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Proofs.Hashing;

namespace ZkMl.Proofs.Transcripts;

/// <summary>
/// Keccak-256 Fiat–Shamir transcript with a 32-byte running state, designed so that a Solidity verifier
/// replays every step with ONE <c>keccak256</c> over contiguous memory (docs/protocol.md, "Transcript"):
/// <list type="bullet">
/// <item>start: <c>s = keccak256(utf8(domain))</c>;</item>
/// <item>absorb(label, data): <c>s = keccak256(s ‖ label32 ‖ data)</c>;</item>
/// <item>challenge(label): <c>c = keccak256(s ‖ label32)</c>, <c>s = c</c>, result <c>uint256(c) mod r</c>;</item>
/// <item>absorb-challenge(label, data): <c>s = keccak256(s ‖ label32 ‖ data)</c>, result <c>uint256(s) mod r</c>
/// (an absorb whose new state is also the challenge: one hash instead of two, used for sumcheck rounds);</item>
/// </list>
/// where <c>label32</c> is the ASCII label left-aligned and zero-padded to 32 bytes (Solidity's
/// <c>bytes32("label")</c>). Field elements are 32-byte big-endian, G1 points x‖y (64 bytes, infinity = zeros).
/// </summary>
/// <remarks>
/// Soundness: every prover message a challenge depends on must be absorbed before the challenge is drawn;
/// the length of <c>data</c> is fixed by the hash input length, and each step chains the previous state, so
/// distinct transcripts (labels, order, data) give distinct hash inputs. Not thread-safe.
/// </remarks>
public sealed class Transcript
{
    /// <summary>Maximum label length in bytes; labels are zero-padded to exactly this many bytes.</summary>
    public const int LabelLength = 32;

    /// <summary>Length of an encoded G1 point (x‖y, 32-byte big-endian each).</summary>
    public const int G1Length = 64;

    private readonly byte[] _state = new byte[32];
    private readonly Keccak256 _hasher = new();

    /// <summary>Starts a transcript with state <c>keccak256(utf8(domain))</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="domain"/> is empty.</exception>
    public Transcript(string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        Keccak256.Hash(System.Text.Encoding.UTF8.GetBytes(domain), _state);
    }

    private Transcript(byte[] state) => state.CopyTo(_state, 0);

    /// <summary>The current 32-byte state (a copy).</summary>
    public byte[] State => (byte[])_state.Clone();

    /// <summary>An independent copy of this transcript (same state).</summary>
    public Transcript Clone() => new(_state);

    /// <summary>Writes <c>bytes32(label)</c>: ASCII left-aligned, zero-padded to 32 bytes.</summary>
    /// <exception cref="ArgumentException">The label is empty, longer than 32 bytes or not printable ASCII.</exception>
    public static void EncodeLabel(string label, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (label.Length > LabelLength) throw new ArgumentException($"transcript label '{label}' is {label.Length} bytes; at most {LabelLength} allowed", nameof(label));
        destination[..LabelLength].Clear();
        for (int i = 0; i < label.Length; i++)
        {
            char ch = label[i];
            if (ch < 0x20 || ch > 0x7E) throw new ArgumentException($"transcript label '{label}' must be printable ASCII", nameof(label));
            destination[i] = (byte)ch;
        }
    }

    /// <summary>Absorbs raw bytes: <c>s = keccak256(s ‖ label32 ‖ data)</c>.</summary>
    /// <exception cref="ArgumentException">Invalid label.</exception>
    public void AppendBytes(string label, ReadOnlySpan<byte> data)
    {
        Begin(label);
        _hasher.Update(data);
        _hasher.Finish(_state);
    }

    /// <summary>Absorbs one field element as 32 big-endian bytes.</summary>
    public void AppendScalar(string label, in Fr value)
    {
        Span<byte> buf = stackalloc byte[32];
        value.WriteBigEndian(buf);
        AppendBytes(label, buf);
    }

    /// <summary>Absorbs a vector of field elements as their concatenated 32-byte big-endian encodings
    /// (no length prefix; the count is implied by the hash input length). An empty vector absorbs <c>s ‖ label32</c>.</summary>
    public void AppendScalars(string label, ReadOnlySpan<Fr> values)
    {
        Begin(label);
        Span<byte> buf = stackalloc byte[32];
        foreach (ref readonly var v in values)
        {
            v.WriteBigEndian(buf);
            _hasher.Update(buf);
        }
        _hasher.Finish(_state);
    }

    /// <summary>Absorbs an unsigned integer as a 32-byte big-endian word (Solidity <c>uint256</c>).</summary>
    public void AppendUInt64(string label, ulong value)
    {
        Span<byte> buf = stackalloc byte[32];
        buf.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(buf[24..], value);
        AppendBytes(label, buf);
    }

    /// <summary>Absorbs one G1 point given in its EVM encoding x‖y (64 bytes, infinity = 64 zero bytes).</summary>
    /// <exception cref="ArgumentException">The encoding is not 64 bytes.</exception>
    public void AppendPoint(string label, ReadOnlySpan<byte> encodedG1)
    {
        if (encodedG1.Length != G1Length) throw new ArgumentException($"G1 encoding must be {G1Length} bytes (x‖y), got {encodedG1.Length}", nameof(encodedG1));
        AppendBytes(label, encodedG1);
    }

    /// <summary>Absorbs several G1 points given as concatenated 64-byte encodings.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of 64.</exception>
    public void AppendPoints(string label, ReadOnlySpan<byte> encodedG1s)
    {
        if (encodedG1s.Length % G1Length != 0) throw new ArgumentException($"G1 encodings must be a multiple of {G1Length} bytes, got {encodedG1s.Length}", nameof(encodedG1s));
        AppendBytes(label, encodedG1s);
    }

    /// <summary>Absorbs one G1 point in its EVM encoding x‖y (infinity = 64 zero bytes).</summary>
    public void AppendPoint(string label, in G1Affine point)
    {
        Span<byte> buf = stackalloc byte[G1Length];
        EvmEncoding.EncodeG1(point, buf);
        AppendBytes(label, buf);
    }

    /// <summary>Absorbs several G1 points as concatenated 64-byte EVM encodings.</summary>
    public void AppendPoints(string label, ReadOnlySpan<G1Affine> points)
    {
        Begin(label);
        Span<byte> buf = stackalloc byte[G1Length];
        foreach (ref readonly var p in points)
        {
            EvmEncoding.EncodeG1(p, buf);
            _hasher.Update(buf);
        }
        _hasher.Finish(_state);
    }

    /// <summary>Draws a challenge: <c>c = keccak256(s ‖ label32)</c>, sets <c>s = c</c>, returns <c>c mod r</c>.</summary>
    public Fr ChallengeScalar(string label)
    {
        Begin(label);
        _hasher.Finish(_state);
        return Fr.FromBytesBigEndianReduced(_state);
    }

    /// <summary>
    /// Absorbs field elements and draws a challenge in ONE hash: <c>s = keccak256(s ‖ label32 ‖ data)</c> (data as
    /// <see cref="AppendScalars"/>), returns <c>uint256(s) mod r</c>. The challenge is the new state, which already
    /// depends on the label, the absorbed data and every earlier step (the same chaining as absorb followed by
    /// challenge, one Keccak call fewer: the sumcheck rounds use it, docs/protocol.md "Sumcheck").
    /// </summary>
    public Fr AbsorbChallenge(string label, ReadOnlySpan<Fr> values)
    {
        AppendScalars(label, values);
        return Fr.FromBytesBigEndianReduced(_state);
    }

    /// <summary>Draws <paramref name="count"/> challenges in a row with the same label (each one a
    /// <see cref="ChallengeScalar"/> step).</summary>
    public Fr[] ChallengeScalars(string label, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var r = new Fr[count];
        for (int i = 0; i < count; i++) r[i] = ChallengeScalar(label);
        return r;
    }

    private void Begin(string label)
    {
        Span<byte> l = stackalloc byte[LabelLength];
        EncodeLabel(label, l);
        _hasher.Update(_state);
        _hasher.Update(l);
    }
}
