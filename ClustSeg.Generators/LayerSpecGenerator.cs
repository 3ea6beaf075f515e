using Microsoft.CodeAnalysis;

namespace ClustSeg.Generators;

/// <summary>Turns models/*.cseg layer specs into typed C# modules.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class LayerSpecGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
