using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ClustSeg.Runtime.Errors;
using Silk.NET.Core;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace ClustSeg.Runtime.Vulkan;

/// <summary>
/// A Vulkan instance: loads the loader, enables the Khronos validation layer on request (its messages go to
/// <see cref="GpuDeviceOptions.OnValidationMessage"/>), enables portability enumeration so MoltenVK devices are
/// listed, and enumerates devices as <see cref="DeviceInfo"/>.
/// </summary>
public sealed unsafe class GpuInstance : IDisposable
{
    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private static readonly uint ApiVersion12 = (1u << 22) | (2u << 12);

    private readonly DebugUtilsMessengerEXT _messenger;
    private readonly GCHandle _selfHandle;
    private readonly Action<ValidationMessage>? _onValidation;
    private bool _disposed;

    internal Vk Vk { get; }
    internal Instance Handle { get; }

    /// <summary>Whether the validation layer is active on this instance.</summary>
    public bool ValidationEnabled { get; }

    /// <summary>Whether the validation layer also checks synchronization (barriers) on this instance.</summary>
    public bool SynchronizationValidationEnabled { get; }

    /// <summary>Creates an instance. With <paramref name="validate"/> the validation layer must be installed.</summary>
    /// <exception cref="VulkanUnavailableException">No Vulkan loader could be loaded.</exception>
    /// <param name="validate">Enable the Khronos validation layer.</param>
    /// <param name="onValidationMessage">Receives its messages; null prints them to stderr.</param>
    /// <param name="synchronizationValidation">
    /// With <paramref name="validate"/>, also enable the layer's synchronization validation (missing or wrong barriers
    /// between dispatches and transfers); much slower, for tests.
    /// </param>
    public GpuInstance(bool validate, Action<ValidationMessage>? onValidationMessage = null, bool synchronizationValidation = false)
    {
        try
        {
            Vk = Vk.GetApi();
        }
        catch (Exception e) when (e is not ClustSegException)
        {
            throw new VulkanUnavailableException(e.Message, e);
        }

        _onValidation = onValidationMessage;
        var instanceExtensions = EnumerateInstanceExtensions();
        var extensions = new List<string>();
        var flags = InstanceCreateFlags.None;
        if (instanceExtensions.Contains("VK_KHR_portability_enumeration"))
        {
            extensions.Add("VK_KHR_portability_enumeration");
            flags |= InstanceCreateFlags.EnumeratePortabilityBitKhr;
        }
        if (instanceExtensions.Contains("VK_KHR_get_physical_device_properties2"))
            extensions.Add("VK_KHR_get_physical_device_properties2");

        var layers = new List<string>();
        if (validate)
        {
            if (!EnumerateLayers().Contains(ValidationLayer))
                throw new ClustSegException("Validation was requested but the Khronos validation layer is not installed.",
                    "Debian/Ubuntu: sudo apt-get install vulkan-validationlayers; Windows/macOS: install the Vulkan SDK " +
                    "from https://vulkan.lunarg.com. Or run without --validate.");
            layers.Add(ValidationLayer);
            if (!instanceExtensions.Contains("VK_EXT_debug_utils"))
                throw new ClustSegException("The validation layer is installed but VK_EXT_debug_utils is missing.",
                    "Update the Vulkan loader (libvulkan1) and validation layers.");
            extensions.Add("VK_EXT_debug_utils");
            if (synchronizationValidation)
            {
                if (!EnumerateInstanceExtensions(ValidationLayer).Contains("VK_EXT_validation_features"))
                    throw new ClustSegException("Synchronization validation was requested but the validation layer lacks VK_EXT_validation_features.",
                        "Update the Vulkan validation layers (vulkan-validationlayers 1.2.131 or newer).");
                extensions.Add("VK_EXT_validation_features");
            }
        }

        uint loaderVersion = 0;
        Vk.EnumerateInstanceVersion(ref loaderVersion);
        var apiVersion = Math.Min(loaderVersion, ApiVersion12);
        if (apiVersion < ((1u << 22) | (1u << 12)))
            throw new VulkanUnavailableException($"the Vulkan loader is version {FormatVersion(loaderVersion)}, ClustSeg needs 1.1 or newer");

        var appName = (byte*)SilkMarshal.StringToPtr("ClustSeg");
        var extPtrs = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        var layerPtrs = (byte**)SilkMarshal.StringArrayToPtr(layers);
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = appName,
                PEngineName = appName,
                ApiVersion = apiVersion,
            };
            var enabledFeatures = stackalloc ValidationFeatureEnableEXT[] { ValidationFeatureEnableEXT.SynchronizationValidationExt };
            var features = new ValidationFeaturesEXT
            {
                SType = StructureType.ValidationFeaturesExt,
                EnabledValidationFeatureCount = 1,
                PEnabledValidationFeatures = enabledFeatures,
            };
            var create = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo,
                PNext = validate && synchronizationValidation ? &features : null,
                Flags = flags,
                PApplicationInfo = &app,
                EnabledExtensionCount = (uint)extensions.Count,
                PpEnabledExtensionNames = extPtrs,
                EnabledLayerCount = (uint)layers.Count,
                PpEnabledLayerNames = layerPtrs,
            };
            Instance instance;
            var result = Vk.CreateInstance(&create, null, &instance);
            if (result == Result.ErrorIncompatibleDriver)
                throw new NoDeviceException("The Vulkan loader found no compatible driver.", VulkanUnavailableException.InstallAdvice());
            VkCheck.Ok(result, "vkCreateInstance");
            Handle = instance;
        }
        finally
        {
            SilkMarshal.Free((nint)appName);
            SilkMarshal.FreeString((nint)extPtrs);
            SilkMarshal.FreeString((nint)layerPtrs);
        }

        ApiVersion = apiVersion;
        if (validate)
        {
            _selfHandle = GCHandle.Alloc(this);
            _messenger = CreateMessenger();
            ValidationEnabled = true;
            SynchronizationValidationEnabled = synchronizationValidation;
        }
    }

    /// <summary>The instance API version in use (packed Vulkan version).</summary>
    internal uint ApiVersion { get; }

    /// <summary>Lists every physical device with its capabilities, duplicates (same UUID) removed.</summary>
    public IReadOnlyList<DeviceInfo> EnumerateDevices() =>
        DeviceSelector.Deduplicate(PhysicalDevices().Select((pd, i) => DeviceQuery.Describe(this, pd, i)));

    internal IReadOnlyList<PhysicalDevice> PhysicalDevices()
    {
        uint count = 0;
        VkCheck.Ok(Vk.EnumeratePhysicalDevices(Handle, &count, null), "vkEnumeratePhysicalDevices");
        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = devices)
            VkCheck.Ok(Vk.EnumeratePhysicalDevices(Handle, &count, p), "vkEnumeratePhysicalDevices");
        return devices;
    }

    internal static string FormatVersion(uint v) => $"{v >> 22}.{(v >> 12) & 0x3FF}.{v & 0xFFF}";

    /// <summary>The instance extensions of the loader and implicit layers, or of <paramref name="layer"/> alone.</summary>
    private HashSet<string> EnumerateInstanceExtensions(string? layer = null)
    {
        var layerName = (byte*)SilkMarshal.StringToPtr(layer);
        uint count = 0;
        Vk.EnumerateInstanceExtensionProperties(layerName, &count, null);
        var props = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = props)
            Vk.EnumerateInstanceExtensionProperties(layerName, &count, p);
        SilkMarshal.Free((nint)layerName);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < props.Length; i++)
            fixed (byte* name = props[i].ExtensionName)
                names.Add(SilkMarshal.PtrToString((nint)name)!);
        return names;
    }

    private HashSet<string> EnumerateLayers()
    {
        uint count = 0;
        Vk.EnumerateInstanceLayerProperties(&count, null);
        var props = new LayerProperties[count];
        fixed (LayerProperties* p = props)
            Vk.EnumerateInstanceLayerProperties(&count, p);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < props.Length; i++)
            fixed (byte* name = props[i].LayerName)
                names.Add(SilkMarshal.PtrToString((nint)name)!);
        return names;
    }

    private DebugUtilsMessengerEXT CreateMessenger()
    {
        var create = new DebugUtilsMessengerCreateInfoEXT
        {
            SType = StructureType.DebugUtilsMessengerCreateInfoExt,
            MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt |
                          DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(
                (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT,
                    DebugUtilsMessengerCallbackDataEXT*, void*, Bool32>)&OnMessage),
            PUserData = (void*)GCHandle.ToIntPtr(_selfHandle),
        };
        var fn = (delegate* unmanaged[Cdecl]<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            Vk.GetInstanceProcAddr(Handle, "vkCreateDebugUtilsMessengerEXT").Handle;
        if (fn == null)
            throw new ClustSegException("vkCreateDebugUtilsMessengerEXT is unavailable.", "Update the Vulkan loader.");
        DebugUtilsMessengerEXT messenger;
        VkCheck.Ok(fn(Handle, &create, null, &messenger), "vkCreateDebugUtilsMessengerEXT");
        return messenger;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static Bool32 OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types,
        DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        try
        {
            var self = (GpuInstance?)GCHandle.FromIntPtr((nint)user).Target;
            var level = severity.HasFlag(DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt) ? ValidationSeverity.Error
                : severity.HasFlag(DebugUtilsMessageSeverityFlagsEXT.WarningBitExt) ? ValidationSeverity.Warning
                : severity.HasFlag(DebugUtilsMessageSeverityFlagsEXT.InfoBitExt) ? ValidationSeverity.Info
                : ValidationSeverity.Verbose;
            var id = SilkMarshal.PtrToString((nint)data->PMessageIdName) ?? "";
            var text = SilkMarshal.PtrToString((nint)data->PMessage) ?? "";
            var message = new ValidationMessage(level, id, text);
            if (self?._onValidation is { } handler) handler(message);
            else Console.Error.WriteLine("vulkan validation: " + message);
        }
        catch
        {
            // An exception must never unwind into the driver; the message is lost rather than the process.
        }
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (ValidationEnabled)
        {
            var fn = (delegate* unmanaged[Cdecl]<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
                Vk.GetInstanceProcAddr(Handle, "vkDestroyDebugUtilsMessengerEXT").Handle;
            if (fn != null) fn(Handle, _messenger, null);
            _selfHandle.Free();
        }
        Vk.DestroyInstance(Handle, null);
    }
}
