"""classlab.ova's OVF descriptor: well-formed, RASD in schema order, checked by COT when present."""

import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools" / "vm"))

import export  # noqa: E402
import ovf  # noqa: E402

NS = {"ovf": ovf.OVF, "rasd": ovf.RASD}
COT_VENV = REPO / "build" / "vm" / "cot-venv"


def sample(**options):
    return ovf.descriptor("classlab", "classlab-disk1.vmdk", 123456, 8 * 1024 ** 3,
                          version="v1", annotation="a <b> & c", **options)


def test_descriptor_is_well_formed_and_references_its_disk():
    root = ET.fromstring(sample().encode())
    assert root.tag == f"{{{ovf.OVF}}}Envelope"
    file = root.find("ovf:References/ovf:File", NS)
    disk = root.find("ovf:DiskSection/ovf:Disk", NS)
    assert file.get(f"{{{ovf.OVF}}}href") == "classlab-disk1.vmdk"
    assert disk.get(f"{{{ovf.OVF}}}fileRef") == file.get(f"{{{ovf.OVF}}}id")
    assert disk.get(f"{{{ovf.OVF}}}capacity") == str(8 * 1024 ** 3)


def test_hardware_two_cpus_three_gib_one_ide_disk_and_no_network_device():
    root = ET.fromstring(sample().encode())
    items = root.findall("ovf:VirtualSystem/ovf:VirtualHardwareSection/ovf:Item", NS)
    kinds = {item.find("rasd:ResourceType", NS).text: item for item in items}
    assert kinds["3"].find("rasd:VirtualQuantity", NS).text == "2"
    assert kinds["4"].find("rasd:VirtualQuantity", NS).text == "3072"
    assert kinds["17"].find("rasd:HostResource", NS).text == "/disk/vmdisk1"
    assert kinds["17"].find("rasd:Parent", NS).text == kinds["5"].find("rasd:InstanceID", NS).text
    assert "10" not in kinds  # no Ethernet adapter: the lab needs no network


def test_rasd_elements_come_in_the_schemas_alphabetical_order():
    root = ET.fromstring(sample().encode())
    for item in root.iter(f"{{{ovf.OVF}}}Item"):
        names = [child.tag.split("}")[1] for child in item]
        assert names == sorted(names)


def test_manifest_lines_are_sha1_as_ovf_1_asks():
    assert ovf.manifest({"a.ovf": b"abc"}) == "SHA1(a.ovf)= a9993e364706816aba3e25717850c26c9cd0d89d\n"


def tiny_ova(tmp_path, tamper=False):
    disk = tmp_path / "classlab-disk1.vmdk"
    subprocess.run(["qemu-img", "create", "-q", "-f", "vmdk", "-o",
                    "subformat=streamOptimized,adapter_type=ide", str(disk), "64M"], check=True)
    descriptor = tmp_path / "classlab.ovf"
    descriptor.write_text(ovf.descriptor("classlab", disk.name, disk.stat().st_size, 64 << 20))
    manifest = ovf.manifest({descriptor.name: descriptor, disk.name: disk})
    if tamper:
        manifest = manifest.replace(manifest[-9:-1], "00000000")
    (tmp_path / "classlab.mf").write_text(manifest)
    package = tmp_path / "classlab.ova"
    with tarfile.open(package, "w", format=tarfile.USTAR_FORMAT) as archive:
        for path in (descriptor, tmp_path / "classlab.mf", disk):
            archive.add(path, arcname=path.name)
    return descriptor, package


needs_cot = pytest.mark.skipif(
    not (COT_VENV / "bin" / "cot").exists() or shutil.which("qemu-img") is None,
    reason="COT (make vm-export installs it in build/vm/cot-venv) or qemu-img is missing")


@needs_cot
def test_cot_the_common_ovf_tool_accepts_the_package(tmp_path):
    export.validate(*tiny_ova(tmp_path))


@needs_cot
def test_cot_rejects_a_package_whose_manifest_does_not_match(tmp_path):
    with pytest.raises(export.ExportFailed, match="checksum"):
        export.validate(*tiny_ova(tmp_path, tamper=True))
