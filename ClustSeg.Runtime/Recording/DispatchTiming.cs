namespace ClustSeg.Runtime.Recording;

/// <summary>Device time of one dispatch, from timestamp queries in profiling mode.</summary>
/// <param name="Label">The dispatch's label (kernel name unless given).</param>
/// <param name="Kernel">Kernel key.</param>
/// <param name="Milliseconds">Elapsed device time.</param>
/// <param name="Output">
/// Name of the first tensor the dispatch writes ("" when it writes none). Layers name their outputs and gradients
/// after their module path (<c>backbone.stem.conv1.out</c>), so this attributes the dispatch to a layer.
/// </param>
public readonly record struct DispatchTiming(string Label, string Kernel, double Milliseconds, string Output = "");
