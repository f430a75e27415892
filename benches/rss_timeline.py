"""Peak and timeline of a build's resident memory (VmRSS sampled every 0.25 s), with the pages
written so far in the staging directory, so a jump can be placed in a phase of the build.

Usage: python3 benches/rss_timeline.py target/release/meshport build --root MESH --output OUT --quiet
(OUT must be a directory the build may create: it is written like any build output.)
"""
import subprocess, sys, time, os
cmd=sys.argv[1:]
out=cmd[cmd.index('--output')+1]
t0=time.time()
env=dict(os.environ, MESHPORT_SEARCH_TIMINGS='1')
p=subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
import threading
err=[]
threading.Thread(target=lambda: err.append(p.stderr.read()), daemon=True).start()
peak=0; last=-999
stg=os.path.join(os.path.dirname(out), '.'+os.path.basename(out)+'.meshport-staging')
def cnt(d):
    try: return len(os.listdir(os.path.join(stg,d)))
    except Exception: return 0
while p.poll() is None:
    try:
        rss=0
        for line in open(f'/proc/{p.pid}/status'):
            if line.startswith('VmRSS'): rss=int(line.split()[1])//1024
        peak=max(peak,rss)
        if abs(rss-last)>=60:
            print(f'{time.time()-t0:6.1f}s {rss:6d} MB products={cnt("products")} contracts={cnt("contracts")} fields={cnt("fields")} pagefind={cnt("pagefind")}', flush=True)
            last=rss
    except Exception: pass
    time.sleep(0.25)
el=time.time()-t0
print('stderr tail:', (err[0] if err else b'')[-600:].decode(errors='replace'))
print('exit',p.returncode,'wall',round(el,1),'peak',peak,'MB')
