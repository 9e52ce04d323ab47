"""The OVF 1.0 descriptor of classlab.ova (VirtualBox, VMware), as a pure function.

    descriptor(...)   the .ovf text: one VM, 2 CPUs, 3 GiB, one IDE disk (streamOptimized
                      VMDK), no network device (the lab needs none; add one in VirtualBox)
    manifest(...)     the .mf text: SHA1 of every other file (OVF 1.x manifests use SHA1)

CIM's RASD elements are written in the schema's (alphabetical) order, as validators demand.
"""

import hashlib
from xml.sax.saxutils import escape, quoteattr

OVF = "http://schemas.dmtf.org/ovf/envelope/1"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
VMDK_FORMAT = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"
DEBIAN_64 = 96  # CIM_OperatingSystem: "Debian 64-Bit"

RASD_ORDER = ("AddressOnParent", "AllocationUnits", "Caption", "Description", "ElementName",
              "HostResource", "InstanceID", "Parent", "ResourceSubType", "ResourceType",
              "VirtualQuantity")


def _item(fields):
    lines = ["      <Item>"]
    for name in RASD_ORDER:
        if name in fields:
            lines.append(f"        <rasd:{name}>{escape(str(fields[name]))}</rasd:{name}>")
    unknown = set(fields) - set(RASD_ORDER)
    if unknown:
        raise ValueError(f"RASD fields without a place in the order: {sorted(unknown)}")
    lines.append("      </Item>")
    return "\n".join(lines)


def descriptor(name, disk_file, disk_file_size, disk_capacity, cpus=2, memory_mib=3072,
               version="", annotation=""):
    items = [
        {"Caption": f"{cpus} virtual CPU", "Description": "Number of virtual CPUs",
         "ElementName": f"{cpus} virtual CPU", "InstanceID": 1, "ResourceType": 3,
         "VirtualQuantity": cpus},
        {"AllocationUnits": "MegaBytes", "Caption": f"{memory_mib} MB of memory",
         "Description": "Memory Size", "ElementName": f"{memory_mib} MB of memory",
         "InstanceID": 2, "ResourceType": 4, "VirtualQuantity": memory_mib},
        {"Caption": "ideController0", "Description": "IDE Controller",
         "ElementName": "ideController0", "InstanceID": 3, "ResourceSubType": "PIIX4",
         "ResourceType": 5},
        {"AddressOnParent": 0, "Caption": "disk1", "Description": "Disk Image",
         "ElementName": "disk1", "HostResource": "/disk/vmdisk1", "InstanceID": 4,
         "Parent": 3, "ResourceType": 17},
    ]
    hardware = "\n".join(_item(item) for item in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Envelope ovf:version="1.0" xml:lang="en-US" xmlns="{OVF}" xmlns:ovf="{OVF}" xmlns:rasd="{RASD}" xmlns:vssd="{VSSD}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href={quoteattr(disk_file)} ovf:id="file1" ovf:size="{int(disk_file_size)}"/>
  </References>
  <DiskSection>
    <Info>List of the virtual disks used in the package</Info>
    <Disk ovf:capacity="{int(disk_capacity)}" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="{VMDK_FORMAT}"/>
  </DiskSection>
  <VirtualSystem ovf:id={quoteattr(name)}>
    <Info>classlab: the IUT networking lab (Mininet, BIND, Postfix) on Debian 12</Info>
    <Name>{escape(name)}</Name>
    <AnnotationSection>
      <Info>What this machine is for</Info>
      <Annotation>{escape(annotation)}</Annotation>
    </AnnotationSection>
    <ProductSection>
      <Info>The lab inside</Info>
      <Product>classlab instructor VM</Product>
      <Version>{escape(version)}</Version>
    </ProductSection>
    <OperatingSystemSection ovf:id="{DEBIAN_64}">
      <Info>The kind of installed guest operating system</Info>
      <Description>Debian_64</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements for a virtual machine</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>{escape(name)}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-07 virtualbox-2.2</vssd:VirtualSystemType>
      </System>
{hardware}
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def manifest(files):
    """files: {name: bytes or path-like}. OVF 1.x manifest lines, `SHA1(name)= hex`."""
    lines = []
    for name, content in files.items():
        digest = hashlib.sha1()
        if isinstance(content, bytes):
            digest.update(content)
        else:
            with open(content, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        lines.append(f"SHA1({name})= {digest.hexdigest()}")
    return "\n".join(lines) + "\n"
