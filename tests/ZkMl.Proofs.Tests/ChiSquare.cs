namespace ZkMl.Proofs.Tests;

/// <summary>The chi-square statistics the zero-knowledge tests use on proof elements reduced to 3-bit buckets.</summary>
internal static class ChiSquare
{
    /// <summary>
    /// Σ over cells of the two-sample chi-square homogeneity statistic; every sample is one bucket (0–7) per cell,
    /// so a cell has up to 7 degrees of freedom (at least 1).
    /// </summary>
    public static (double Chi2, int Df) Homogeneity(List<int[]> a, List<int[]> b)
    {
        double chi2 = 0;
        int df = 0;
        for (int c = 0; c < a[0].Length; c++)
        {
            var ca = new int[8];
            var cb = new int[8];
            foreach (var s in a) ca[s[c]]++;
            foreach (var s in b) cb[s[c]]++;
            int used = 0;
            for (int k = 0; k < 8; k++)
            {
                int tot = ca[k] + cb[k];
                if (tot == 0) continue;
                used++;
                double ea = tot * (double)a.Count / (a.Count + b.Count), eb = tot * (double)b.Count / (a.Count + b.Count);
                chi2 += (ca[k] - ea) * (ca[k] - ea) / ea + (cb[k] - eb) * (cb[k] - eb) / eb;
            }
            df += Math.Max(1, used - 1);
        }
        return (chi2, df);
    }

    /// <summary>Upper 10⁻⁶ tail of chi-square with <paramref name="df"/> degrees of freedom (Wilson–Hilferty, z = 4.75).</summary>
    public static double Threshold(int df)
    {
        double h = 2.0 / (9 * df);
        return df * Math.Pow(1 - h + 4.75 * Math.Sqrt(h), 3);
    }
}
