using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ClustSeg.Generators.Checking;

/// <summary>
/// A tensor dimension known at compile time as a polynomial with integer coefficients over size symbols
/// (B, H, W, ...), e.g. 32, 16*H, H*W. Results that are not polynomials (a strided convolution of an odd size)
/// become fresh opaque symbols named after their formula, so equal computations still compare equal.
/// </summary>
internal sealed class Dim : IEquatable<Dim>
{
    // Monomial key: factor names sorted and joined by '*'; "" is the constant term. Zero terms are dropped.
    private readonly SortedDictionary<string, long> terms;

    private Dim(SortedDictionary<string, long> terms) => this.terms = terms;

    public static Dim Const(long value)
    {
        var terms = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (value != 0) terms[""] = value;
        return new Dim(terms);
    }

    public static Dim Symbol(string name) => new(new SortedDictionary<string, long>(StringComparer.Ordinal) { [name] = 1 });

    public bool IsConstant => terms.Count == 0 || (terms.Count == 1 && terms.ContainsKey(""));

    public long ConstantTerm => terms.TryGetValue("", out var c) ? c : 0;

    /// <summary>A bare symbol (coefficient 1, no constant), e.g. H.</summary>
    public bool IsSingleSymbol(out string name)
    {
        name = terms.Count == 1 ? terms.Keys.First() : "";
        return terms.Count == 1 && name.Length > 0 && SplitFactors(name).Count() == 1 && terms[name] == 1;
    }

    public static Dim operator +(Dim a, Dim b) => Combine(a, b, 1);

    public static Dim operator -(Dim a, Dim b) => Combine(a, b, -1);

    public static Dim operator *(Dim a, Dim b)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var x in a.terms)
        {
            foreach (var y in b.terms)
            {
                var factors = Split(x.Key).Concat(Split(y.Key)).OrderBy(f => f, StringComparer.Ordinal);
                var key = string.Join("*", factors);
                result.TryGetValue(key, out var existing);
                result[key] = existing + x.Value * y.Value;
            }
        }
        return new Dim(Prune(result));
    }

    public static Dim operator *(Dim a, long k) => a * Const(k);

    /// <summary>This divided by k when every coefficient is a multiple of k; null otherwise.</summary>
    public Dim? TryDivideExactly(long k)
    {
        if (k == 0 || terms.Values.Any(c => c % k != 0)) return null;
        return new Dim(new SortedDictionary<string, long>(terms.ToDictionary(t => t.Key, t => t.Value / k), StringComparer.Ordinal));
    }

    /// <summary>
    /// floor(this / k) for integer-valued symbols. Exact when the symbolic part divides by k (then only the
    /// constant is floored); otherwise an opaque symbol standing for the formula.
    /// </summary>
    public Dim FloorDivide(long k)
    {
        if (k == 1) return this;
        var symbolic = terms.Where(t => t.Key.Length > 0).ToList();
        if (symbolic.All(t => t.Value % k == 0))
        {
            var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var t in symbolic) result[t.Key] = t.Value / k;
            var c = FloorDiv(ConstantTerm, k);
            if (c != 0) result[""] = c;
            return new Dim(result);
        }
        return Symbol($"floor(({this})/{k})");
    }

    /// <summary>A symbol known not to be a polynomial of the others, e.g. the size of a grid computed at run time.</summary>
    public static Dim Opaque(string formula) => Symbol(formula);

    public bool Equals(Dim? other) => other is not null && terms.SequenceEqual(other.terms);

    public override bool Equals(object? obj) => Equals(obj as Dim);

    public override int GetHashCode() => ToString().GetHashCode();

    public override string ToString()
    {
        if (terms.Count == 0) return "0";
        var text = new StringBuilder();
        foreach (var term in terms.Where(t => t.Key.Length > 0).Concat(terms.Where(t => t.Key.Length == 0)))
        {
            var magnitude = Math.Abs(term.Value);
            if (text.Length == 0)
            {
                if (term.Value < 0) text.Append('-');
            }
            else
            {
                text.Append(term.Value < 0 ? " - " : " + ");
            }
            if (term.Key.Length == 0) text.Append(magnitude);
            else if (magnitude == 1) text.Append(term.Key);
            else text.Append(magnitude).Append('*').Append(term.Key);
        }
        return text.ToString();
    }

    private static Dim Combine(Dim a, Dim b, long sign)
    {
        var result = new SortedDictionary<string, long>(a.terms, StringComparer.Ordinal);
        foreach (var t in b.terms)
        {
            result.TryGetValue(t.Key, out var existing);
            result[t.Key] = existing + sign * t.Value;
        }
        return new Dim(Prune(result));
    }

    private static SortedDictionary<string, long> Prune(SortedDictionary<string, long> terms)
    {
        foreach (var zero in terms.Where(t => t.Value == 0).Select(t => t.Key).ToList()) terms.Remove(zero);
        return terms;
    }

    private static IEnumerable<string> Split(string monomial) => monomial.Length == 0 ? Array.Empty<string>() : SplitFactors(monomial);

    // Opaque symbols contain '*' inside parentheses; split only at top level.
    private static IEnumerable<string> SplitFactors(string monomial)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < monomial.Length; i++)
        {
            if (monomial[i] == '(') depth++;
            else if (monomial[i] == ')') depth--;
            else if (monomial[i] == '*' && depth == 0)
            {
                yield return monomial.Substring(start, i - start);
                start = i + 1;
            }
        }
        yield return monomial.Substring(start);
    }

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
