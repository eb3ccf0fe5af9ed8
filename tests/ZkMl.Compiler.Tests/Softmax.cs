namespace ZkMl.Compiler.Tests;

/// <summary>The reference softmax the tests apply to a network's logits when its graph ends in a Softmax (computed in double).</summary>
internal static class Softmax
{
    public static float[] Of(float[] z)
    {
        float mx = z.Max();
        var e = z.Select(v => Math.Exp(v - mx)).ToArray();
        double sum = e.Sum();
        return e.Select(v => (float)(v / sum)).ToArray();
    }
}
