#!/usr/bin/env python3
"""Regenerates the test corpus from src/*.txt with three producers:
LibreOffice (soffice), Ghostscript (ps2pdf) and pdfTeX (pdflatex), each
adding its own kind of layout noise. Needs the Debian packages
libreoffice-writer-nogui, ghostscript and texlive-latex-base; the PDFs are
committed so that the tests need none of them. Run from this directory:
python3 gen.py; python3 gen.py --bench DIR writes longer documents for
BenchmarkPDF to DIR instead (each source repeated 3, 6 and 12 times, or as
many times as --copies says: "--copies 1-16" makes 144 PDFs, a corpus large
enough for a worker to be recycled as in a nightly build)."""

import html, os, shutil, subprocess, tempfile

def read(name):
    """Returns [(kind, text)], kind "h" heading, "t" toc entry, "p" paragraph."""
    out = []
    for line in open(os.path.join("src", name), encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("# "):
            out.append(("h", line[2:]))
        elif line.startswith("@ "):
            out.append(("t", line[2:]))
        elif line:
            out.append(("p", line))
    return out

def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

# LibreOffice: from HTML, headings in mixed case; drop_numbers removes the
# numbers of some headings, as some SPCs do.
def libreoffice(src, out, drop_numbers=()):
    parts = ["<html><head><meta charset='utf-8'><title>%s</title></head><body>" % out]
    for kind, text in read(src):
        if kind == "h":
            num, _, title = text.partition(" ")
            if num.rstrip(".").replace(".", "").isdigit():
                title = title[:1] + title[1:].lower() if title.isupper() else title
                text = title if num.rstrip(".") in drop_numbers else num + " " + title
            parts.append("<h3>%s</h3>" % html.escape(text))
        elif kind == "t":
            parts.append("<p style='margin-left:1cm'>%s</p>" % html.escape(text))
        else:
            parts.append("<p>%s</p>" % html.escape(text))
    parts.append("</body></html>")
    with tempfile.TemporaryDirectory() as d:
        stem = os.path.splitext(os.path.basename(out))[0]
        with open(os.path.join(d, stem + ".html"), "w", encoding="utf-8") as f:
            f.write("\n".join(parts))
        run(["soffice", "--headless", "-env:UserInstallation=file://" + d + "/profile",
             "--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", stem + ".html"], d)
        shutil.copy(os.path.join(d, stem + ".pdf"), out)

# pdfTeX: upper-case headings, a narrow justified column (words hyphenated at
# line ends, long headings wrapped), a running header and page numbers.
def pdftex(src, out, header):
    # The default OT1 encoding keeps the Type 1 Computer Modern fonts (T1
    # would fall back to bitmap Type 3 fonts without cm-super).
    def esc(s):
        for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                     ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}")):
            s = s.replace(a, b)
        return s
    body = []
    for kind, text in read(src):
        if kind == "h":
            body.append(r"\par\medskip\noindent\textbf{%s}\par\smallskip" % esc(text.upper()))
        else:
            body.append(r"\noindent %s\par" % esc(text))
    tex = r"""\documentclass[10pt]{article}
\pdfpagewidth=120mm \pdfpageheight=170mm
\paperwidth=120mm \paperheight=170mm
\hoffset=-1in \voffset=-1in
\oddsidemargin=15mm \evensidemargin=15mm \textwidth=90mm
\topmargin=8mm \headheight=12pt \headsep=6mm \textheight=135mm
\pdfinfo{/Title (%s)}
\pagestyle{myheadings}\markright{%s}
\begin{document}
%s
\end{document}
""" % (header, header, "\n".join(body))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "doc.tex"), "w", encoding="utf-8") as f:
            f.write(tex)
        run(["pdflatex", "-interaction=batchmode", "doc.tex"], d)
        shutil.copy(os.path.join(d, "doc.pdf"), out)

# Ghostscript: hand-written PostScript, upper-case headings split over two
# lines, a running header and a "Page N of M" footer.
def ghostscript(src, out, header, width=60):
    import textwrap
    lines = []  # (font, text)
    for kind, text in read(src):
        if kind == "h":
            for l in textwrap.wrap(text.upper(), 34):
                lines.append(("B", l))
        else:
            for l in textwrap.wrap(text, width):
                lines.append(("R", l))
            lines.append(("R", ""))
    per = 38
    pages = [lines[i:i + per] for i in range(0, len(lines), per)]
    def ps(s):
        return "(" + s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"
    out_ps = ["%!PS-Adobe-3.0", "%%Pages: %d" % len(pages), "%%EndComments",
              "/R { /Helvetica findfont 10 scalefont setfont } def",
              "/B { /Helvetica-Bold findfont 11 scalefont setfont } def",
              "[ /Title %s /DOCINFO pdfmark" % ps(header)]
    for n, page in enumerate(pages, 1):
        out_ps.append("%%%%Page: %d %d" % (n, n))
        out_ps.append("R 56 800 moveto %s show" % ps(header))
        y = 770
        for font, text in page:
            out_ps.append("%s 56 %d moveto %s show" % (font, y, ps(text)))
            y -= 18
        out_ps.append("R 260 40 moveto %s show" % ps("Page %d of %d" % (n, len(pages))))
        out_ps.append("showpage")
    out_ps.append("%%EOF")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "doc.ps"), "w", encoding="latin-1") as f:
            f.write("\n".join(out_ps) + "\n")
        run(["ps2pdf", "-dPDFSETTINGS=/screen", "doc.ps", "doc.pdf"], d)
        shutil.copy(os.path.join(d, "doc.pdf"), out)

def bench(out_dir, copies=(3, 6, 12)):
    """Writes longer SPC/PIL/PAR-like documents (the sources repeated) to
    out_dir for BenchmarkPDF; they are not committed."""
    os.makedirs(out_dir, exist_ok=True)
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "src"))
        for name in ("spc.txt", "pil.txt", "par.txt"):
            text = open(os.path.join("src", name), encoding="utf-8").read()
            for n in copies:
                with open(os.path.join(d, "src", "%s-x%d.txt" % (name[:3], n)), "w", encoding="utf-8") as f:
                    f.write(text * n)
        os.chdir(d)
        try:
            for name in sorted(os.listdir("src")):
                stem = name[:-4]
                pdftex(name, os.path.join(out_dir, stem + "-pdftex.pdf"), "Benchmark " + stem)
                libreoffice(name, os.path.join(out_dir, stem + "-libreoffice.pdf"))
                ghostscript(name, os.path.join(out_dir, stem + "-ghostscript.pdf"), "Benchmark " + stem)
        finally:
            os.chdir(here)

if __name__ == "__main__":
    import sys
    if len(sys.argv) in (3, 5) and sys.argv[1] == "--bench":
        copies = (3, 6, 12)
        if len(sys.argv) == 5 and sys.argv[3] == "--copies":
            lo, _, hi = sys.argv[4].partition("-")
            copies = range(int(lo), int(hi or lo) + 1)
        bench(os.path.abspath(sys.argv[2]), copies)
        sys.exit(0)
    pdftex("spc.txt", "spc-pdftex.pdf", "Examplamol 500 mg -- Summary of Product Characteristics")
    libreoffice("spc.txt", "spc-libreoffice.pdf", drop_numbers=("4.1", "4.9", "6.3", "10"))
    ghostscript("spc.txt", "spc-ghostscript.pdf", "EXAMPLAMOL 500 MG FILM-COATED TABLETS SPC", width=90)
    libreoffice("pil.txt", "pil-libreoffice.pdf")
    ghostscript("pil.txt", "pil-ghostscript.pdf", "Examplamol 500 mg film-coated tablets - Package leaflet")
    pdftex("pil.txt", "pil-pdftex.pdf", "Package leaflet: Examplamol")
    libreoffice("par.txt", "par-libreoffice.pdf")
    pdftex("par.txt", "par-pdftex.pdf", "UKPAR Examplamol 500 mg film-coated tablets")
    # The malformed corpus is built by the tests, but for one file that
    # needs real encryption (qpdf, Debian package qpdf).
    run(["qpdf", "--encrypt", "secret", "owner", "256", "--", "pil-ghostscript.pdf",
         "../malformed/encrypted-user-password.pdf"], ".")
