using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

public class KeyFormatTests
{
    [Fact]
    public void Keys_and_proof_files_round_trip_and_still_verify()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        string dir = Path.Combine(Path.GetTempPath(), "zkml-keys-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            vk.Save(Path.Combine(dir, "vk.bin"));
            pk.Save(Path.Combine(dir, "pk.bin"));
            var vk2 = VerifyingKey.Load(Path.Combine(dir, "vk.bin"));
            var pk2 = ProvingKey.Load(Path.Combine(dir, "pk.bin"));
            Assert.Equal(vk.Digest, vk2.Digest);
            Assert.Equal(vk.ToBytes(), pk2.VerifyingKey.ToBytes());
            var proof = InferenceProver.Prove(pk2, InferenceFixtures.TinyInputs().Take(2).ToArray());
            proof.Save(Path.Combine(dir, "proof.bin"));
            var loaded = InferenceProof.Load(Path.Combine(dir, "proof.bin"));
            Assert.True(InferenceVerifier.Verify(vk2, loaded).IsValid);
            Assert.Contains("\"argmax\"", loaded.ToJson(vk2));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Corrupt_or_other_version_files_give_clear_errors()
    {
        var (_, pk, vk) = InferenceFixtures.TinySetup;
        var bytes = vk.ToBytes();
        Assert.True(VerifyingKey.TryFromBytes(bytes, out _, out _));
        var flipped = (byte[])bytes.Clone();
        flipped[60] ^= 1;
        Assert.False(VerifyingKey.TryFromBytes(flipped, out _, out var r1));
        Assert.Contains("digest", r1);
        var version = (byte[])bytes.Clone();
        version[8] = 9;
        Assert.False(VerifyingKey.TryFromBytes(version, out _, out var r2));
        Assert.Contains("version 9", r2);
        Assert.False(VerifyingKey.TryFromBytes(bytes.AsSpan(0, 100), out _, out var r3));
        Assert.Contains("truncated", r3);
        Assert.False(VerifyingKey.TryFromBytes("not a key"u8, out _, out var r4));
        Assert.Contains("magic", r4);

        var pkBytes = pk.ToBytes();
        pkBytes[pkBytes.Length / 2] ^= 1;
        var e = Assert.Throws<InferenceFormatException>(() => ProvingKey.FromBytes(pkBytes, "keys/pk.bin"));
        Assert.Contains("keys/pk.bin", e.Message);

        var proof = InferenceProver.Prove(pk, InferenceFixtures.TinyInputs().Take(1).ToArray());
        var file = proof.ToFileBytes();
        Assert.True(InferenceProof.TryFromFileBytes(file, out _, out _));
        file[^40] ^= 1;
        Assert.False(InferenceProof.TryFromFileBytes(file, out _, out var r5));
        Assert.Contains("digest", r5);
        Assert.False(InferenceProof.TryFromFileBytes(file.AsSpan(0, file.Length - 1), out _, out _));
        Assert.Throws<InferenceFormatException>(() => InferenceProof.Load("/nonexistent/proof.bin"));
    }
}
