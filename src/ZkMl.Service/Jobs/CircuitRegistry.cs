using System.Collections.Concurrent;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

namespace ZkMl.Service.Jobs;

/// <summary>A registered circuit with its keys loaded (once per host, shared by every job).</summary>
public sealed record LoadedCircuit(CircuitRecord Record, Circuit Circuit, ProvingKey ProvingKey, VerifyingKey VerifyingKey);

/// <summary>
/// Registered circuits: files under <c>DATA/circuits/ID/</c> (circuit.zkc, pk.bin, vk.bin, each written
/// atomically) and a row in the store. The id is the verifying-key digest (hex), so registering the same
/// keys twice is idempotent and a circuit is named by what verifies its proofs.
/// </summary>
public sealed class CircuitRegistry(string dataDir, JobStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<LoadedCircuit>> _loaded = new(StringComparer.Ordinal);

    private string Dir(string id) => Path.Combine(dataDir, "circuits", id);

    /// <summary>
    /// Checks that <paramref name="circuitBytes"/>, <paramref name="pkBytes"/> and <paramref name="vkBytes"/>
    /// belong together and registers them; returns the record and whether it was new.
    /// </summary>
    /// <exception cref="ServiceProblem">400 naming the part that does not match.</exception>
    public (CircuitRecord Record, bool Created) Register(byte[] circuitBytes, byte[] pkBytes, byte[] vkBytes)
    {
        Circuit circuit = CircuitFile.FromBytes(circuitBytes, "circuit");
        ProvingKey pk = ProvingKey.FromBytes(pkBytes, "pk");
        if (!VerifyingKey.TryFromBytes(vkBytes, out var vk, out var reason)) throw ServiceProblem.BadRequest("invalid verifying key", $"vk: {reason}");
        if (!pk.Circuit.Digest.AsSpan().SequenceEqual(circuit.Digest))
            throw ServiceProblem.BadRequest("keys for another circuit", $"pk: made for the circuit {pk.Circuit.DigestHex[..16]}…, not the uploaded circuit ({circuit.DigestHex[..16]}…)");
        if (!pk.VerifyingKey.Digest.AsSpan().SequenceEqual(vk!.Digest))
            throw ServiceProblem.BadRequest("keys do not match", $"vk: digest {vk.DigestHex[..16]}… is not the proving key's verifying key ({pk.VerifyingKey.DigestHex[..16]}…)");
        return Store(circuit, pk, vk, circuitBytes, pkBytes, vkBytes);
    }

    /// <summary>Runs setup on the server with an INSECURE development SRS (allowed only by a start flag).</summary>
    public (CircuitRecord Record, bool Created) RegisterWithDevSetup(byte[] circuitBytes, int maxBatch)
    {
        Circuit circuit = CircuitFile.FromBytes(circuitBytes, "circuit");
        if (maxBatch < 1 || maxBatch > InferenceSetup.MaxBatchLimit) throw ServiceProblem.BadRequest("invalid maxBatch", $"maxBatch {maxBatch}: expected 1…{InferenceSetup.MaxBatchLimit}");
        int padded = Circuit.NextPowerOfTwo(maxBatch);
        long powers = InferenceSetup.RequiredPowers(circuit, padded);
        if (powers > 1 << 24) throw ServiceProblem.BadRequest("circuit too large for a development setup", $"{powers:N0} SRS powers needed");
        var srs = Srs.CreateInsecureDev((int)Math.Max(1, powers - 1));
        var (pk, vk) = InferenceSetup.Run(circuit, srs, padded);
        return Store(circuit, pk, vk, circuitBytes, pk.ToBytes(), vk.ToBytes());
    }

    private (CircuitRecord, bool) Store(Circuit circuit, ProvingKey pk, VerifyingKey vk, byte[] circuitBytes, byte[] pkBytes, byte[] vkBytes)
    {
        string id = vk.DigestHex;
        var existing = store.GetCircuit(id);
        if (existing is not null) return (existing, false);
        string dir = Dir(id);
        // Keys first, the row last: a crash in between leaves files without a row, which a retry overwrites.
        if (vk.IsZk)
        {
            // a zero-knowledge circuit and key hold the weights the proofs hide: secret files (mode 0600)
            Algebra.IO.AtomicFile.WriteSecret(Path.Combine(dir, "circuit.zkc"), circuitBytes);
            Algebra.IO.AtomicFile.WriteSecret(Path.Combine(dir, "pk.bin"), pkBytes);
        }
        else
        {
            Algebra.IO.AtomicFile.WriteAllBytes(Path.Combine(dir, "circuit.zkc"), circuitBytes);
            Algebra.IO.AtomicFile.WriteAllBytes(Path.Combine(dir, "pk.bin"), pkBytes);
        }
        Algebra.IO.AtomicFile.WriteAllBytes(Path.Combine(dir, "vk.bin"), vkBytes);
        var rec = new CircuitRecord(id, circuit.DigestHex, circuit.Name ?? "circuit", vk.IsInsecure, vk.MaxBatch, circuit.InputSize, vk.OutputSize, DateTime.UtcNow.ToString("O"));
        store.AddCircuit(rec);
        _loaded.TryAdd(id, new Lazy<LoadedCircuit>(new LoadedCircuit(rec, circuit, pk, vk)));
        return (rec, true);
    }

    /// <summary>The circuit with its keys (loaded from disk on first use), or null when unknown.</summary>
    public LoadedCircuit? Get(string id)
    {
        if (_loaded.TryGetValue(id, out var l)) return l.Value;
        var rec = store.GetCircuit(id);
        if (rec is null) return null;
        return _loaded.GetOrAdd(id, _ => new Lazy<LoadedCircuit>(() =>
        {
            string dir = Dir(id);
            var pk = ProvingKey.Load(Path.Combine(dir, "pk.bin"));
            return new LoadedCircuit(rec, pk.Circuit, pk, VerifyingKey.Load(Path.Combine(dir, "vk.bin")));
        })).Value;
    }
}
