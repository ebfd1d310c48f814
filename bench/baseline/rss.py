"""Peak RSS of this Python process, for the benchmark's baseline scripts."""


def peak_rss_kb():
    # VmHWM, not getrusage's ru_maxrss: on Linux a child's ru_maxrss keeps the high-water mark of the
    # process it was forked from (the benchmark's Node process), which would hide our own.
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
