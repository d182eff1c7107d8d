//! How the window renders on Linux, decided once at start-up before GTK and WebKitGTK start.
//!
//! WebKitGTK composites the page through OpenGL. With a GPU that is cheap; without one (no
//! DRM render node, a VM, a remote X server, Xvfb) Mesa's llvmpipe stands in: the page is
//! still drawn by the CPU, now through a software GL stack that costs the web process about
//! 110 MB (measured in `bench/studio/`) and a GL context per window. On such a machine the
//! studio turns WebKit's compositing mode off, which draws the same pixels straight to
//! the window. Where a GPU is present nothing changes, and WebKit's own
//! `WEBKIT_DISABLE_COMPOSITING_MODE`, when set either way, wins over this choice.

/// What the start-up knows about the machine's graphics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Graphics {
    /// `/dev/dri/renderD*` exists, or an NVIDIA device node (its driver may have no render
    /// node and still accelerate GL).
    pub gpu_device: bool,
    /// `LIBGL_ALWAYS_SOFTWARE` asks Mesa for llvmpipe (set and not `0`/`false`).
    pub software_gl_forced: bool,
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` is already set (to anything): the user decided.
    pub webkit_choice_set: bool,
}

/// Whether the studio should disable WebKit's compositing mode: only where GL would be
/// software anyway and the user has not made WebKit's choice themselves.
pub fn disable_compositing(g: Graphics) -> bool {
    !g.webkit_choice_set && (!g.gpu_device || g.software_gl_forced)
}

/// Reads [`Graphics`] from this machine and, when [`disable_compositing`] says so, sets
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1` for WebKitGTK (and the web process it starts).
/// Call first thing in `main`, before any thread exists and before GTK initialises.
pub fn choose() -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let gpu_device = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
        || std::path::Path::new("/dev/nvidiactl").exists();
    let software_gl_forced = std::env::var("LIBGL_ALWAYS_SOFTWARE")
        .map(|v| !matches!(v.trim(), "" | "0" | "false"))
        .unwrap_or(false);
    let graphics = Graphics {
        gpu_device,
        software_gl_forced,
        webkit_choice_set: std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some(),
    };
    let disable = disable_compositing(graphics);
    if disable {
        // Sound: `main` calls this before it starts any thread.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    disable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compositing_is_turned_off_only_where_gl_would_be_software_and_the_user_has_not_chosen() {
        // (gpu device, LIBGL_ALWAYS_SOFTWARE, WEBKIT_DISABLE_COMPOSITING_MODE set) -> disable
        let table = [
            ((true, false, false), false), // a GPU: WebKit composites on it
            ((false, false, false), true), // no GPU: llvmpipe would stand in
            ((true, true, false), true),   // a GPU, but Mesa is told to use llvmpipe
            ((false, true, false), true),
            ((false, false, true), false), // the user set WebKit's own variable
            ((false, true, true), false),
            ((true, false, true), false),
            ((true, true, true), false),
        ];
        for ((gpu_device, software_gl_forced, webkit_choice_set), want) in table {
            let g = Graphics {
                gpu_device,
                software_gl_forced,
                webkit_choice_set,
            };
            assert_eq!(disable_compositing(g), want, "{g:?}");
        }
    }
}
