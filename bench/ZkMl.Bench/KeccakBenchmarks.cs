using BenchmarkDotNet.Attributes;
using Org.BouncyCastle.Crypto.Digests;

namespace ZkMl.Bench;

/// <summary>
/// Ethereum Keccak-256: the hand-written unrolled implementation (<see cref="HandWrittenKeccak256"/>, the
/// baseline) against BouncyCastle's <c>KeccakDigest(256)</c> (what <c>ZkMl.Proofs.Hashing.Keccak256</c> wraps),
/// one-shot on 32 B, 64 B (a challenge step), 1 KiB and a proof's size (5,056 B, the MNIST example at B = 16).
/// Run: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*Keccak*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KeccakBenchmarks
{
    [Params(32, 64, 1024, 5056)]
    public int Size;

    private byte[] _data = [];
    private readonly byte[] _digest = new byte[32];
    private readonly KeccakDigest _bc = new(256);

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(1).NextBytes(_data);
        HandWrittenKeccak256.Hash(_data, _digest);
        var check = new byte[32];
        _bc.BlockUpdate(_data);
        _bc.DoFinal(check);
        if (!check.AsSpan().SequenceEqual(_digest)) throw new InvalidOperationException("BouncyCastle and the hand-written Keccak-256 differ");
    }

    [Benchmark(Baseline = true)]
    public byte HandWritten()
    {
        HandWrittenKeccak256.Hash(_data, _digest);
        return _digest[0];
    }

    /// <summary>One reused digest (as the transcript holds one).</summary>
    [Benchmark]
    public byte BouncyCastle()
    {
        _bc.BlockUpdate(_data);
        _bc.DoFinal(_digest);
        return _digest[0];
    }

    /// <summary>A new digest per call (a one-shot hash without a cached instance).</summary>
    [Benchmark]
    public byte BouncyCastleNewDigest()
    {
        var d = new KeccakDigest(256);
        d.BlockUpdate(_data);
        d.DoFinal(_digest);
        return _digest[0];
    }
}

/// <summary>
/// A whole Fiat–Shamir transcript replayed with each Keccak-256 (the step rule of docs/protocol.md,
/// "Transcript": absorb = <c>keccak256(s ‖ label32 ‖ data)</c>, challenge = <c>keccak256(s ‖ label32)</c>, as
/// <c>Transcript</c> does it through an incremental hasher), sized as the MNIST example at B = 16:
/// the VK digest, 413 public words, then the 5,056 proof bytes in steps of 96 bytes (a degree-2 sumcheck
/// round message), each followed by a challenge — 53 absorbs + 53 challenges + 2 absorbs ≈ 108 hashes.
/// Run: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*KeccakTranscript*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class KeccakTranscriptBenchmarks
{
    private const int ProofBytes = 5056, PublicWords = 413, Step = 96;
    private byte[] _vk = [], _io = [], _proof = [];
    private readonly byte[] _label = new byte[32];
    private readonly byte[] _state = new byte[32];
    private readonly HandWrittenKeccak256 _hand = new();
    private readonly KeccakDigest _bc = new(256);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _vk = new byte[32]; rng.NextBytes(_vk);
        _io = new byte[PublicWords * 32]; rng.NextBytes(_io);
        _proof = new byte[ProofBytes]; rng.NextBytes(_proof);
        "sumcheck/round"u8.CopyTo(_label);
        var a = (byte[])HandWritten().Clone();
        var b = (byte[])BouncyCastle().Clone();
        if (!a.SequenceEqual(b)) throw new InvalidOperationException("the two transcript replays differ");
    }

    [Benchmark(Baseline = true)]
    public byte[] HandWritten()
    {
        HandWrittenKeccak256.Hash("zkml-inference-v1"u8, _state);
        void Absorb(ReadOnlySpan<byte> data) { _hand.Update(_state); _hand.Update(_label); _hand.Update(data); _hand.Finish(_state); }
        Absorb(_vk);
        Absorb(_io);
        for (int o = 0; o < ProofBytes; o += Step)
        {
            Absorb(_proof.AsSpan(o, Math.Min(Step, ProofBytes - o)));
            Absorb([]);
        }
        return _state;
    }

    [Benchmark]
    public byte[] BouncyCastle()
    {
        _bc.BlockUpdate("zkml-inference-v1"u8);
        _bc.DoFinal(_state);
        void Absorb(ReadOnlySpan<byte> data) { _bc.BlockUpdate(_state); _bc.BlockUpdate(_label); _bc.BlockUpdate(data); _bc.DoFinal(_state); }
        Absorb(_vk);
        Absorb(_io);
        for (int o = 0; o < ProofBytes; o += Step)
        {
            Absorb(_proof.AsSpan(o, Math.Min(Step, ProofBytes - o)));
            Absorb([]);
        }
        return _state;
    }
}
