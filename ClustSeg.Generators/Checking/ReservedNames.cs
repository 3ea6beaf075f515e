using System.Collections.Generic;

namespace ClustSeg.Generators.Checking;

/// <summary>Member names of ClustSeg.Runtime.Nn.Module and of generated classes that spec names must not turn into.</summary>
internal static class ReservedNames
{
    public static readonly HashSet<string> Members = new()
    {
        "Name", "Path", "Parent", "Children", "OwnParameters", "OwnBuffers", "Parameters", "Buffers", "Modules",
        "RegisterChild", "RegisterInternal", "RegisterParameter", "RegisterBuffer", "SaveForBackward",
        "RestoreForBackward", "SavedStateDepth", "ClearSavedState", "Forward", "Backward", "ModelName",
        "SpecFileName", "SpecSha256", "StateTensors", "DisplayPath", "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize",
    };
}
