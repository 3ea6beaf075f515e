namespace ClustSeg.Runtime.Recording;

/// <summary>Device time of one dispatch, from timestamp queries in profiling mode.</summary>
/// <param name="Label">The dispatch's label (kernel name unless given).</param>
/// <param name="Kernel">Kernel key.</param>
/// <param name="Milliseconds">Elapsed device time.</param>
public readonly record struct DispatchTiming(string Label, string Kernel, double Milliseconds);
